#pragma once
// Schema migrations, applied in order inside one transaction each; the version lives in the file.
#include "hub/store/sqlite_db.h"

namespace hub::store {

inline constexpr int kSchemaVersion = 2;
Result<void> migrate(Db& db);

}  // namespace hub::store
