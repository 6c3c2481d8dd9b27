#pragma once
// Schema migrations, the pending ones applied in order in one transaction; the version lives in the
// database (schema_version). SQLite and PostgreSQL each have their list (schema.cc, pg_schema.cc).
#include "hub/store/sql_db.h"

namespace hub::store {

Result<void> migrate(Db& db);

}  // namespace hub::store
