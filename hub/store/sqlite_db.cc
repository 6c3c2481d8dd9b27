#include "hub/store/sqlite_db.h"

#include <sqlite3.h>

#include "hub/core/error_codes.h"

namespace hub::store {

int closeDb(sqlite3* db) { return sqlite3_close_v2(db); }
int finalizeStmt(sqlite3_stmt* s) { return sqlite3_finalize(s); }

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_.get(), i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bindBlob(int i, std::string_view v) {
  sqlite3_bind_blob(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bindNull(int i) {
  sqlite3_bind_null(s_.get(), i);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(sqlite3_db_handle(s_.get()));
  sqlite3_reset(s_.get());
  return unexpected(errc::kStore, "sqlite: " + msg);
}

Result<void> Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r) return unexpected(r.error());
    if (!*r) break;
  }
  reset();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(s_.get());
  sqlite3_clear_bindings(s_.get());
}

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_.get(), col); }
std::string Stmt::text(int col) const {
  const void* p = sqlite3_column_blob(s_.get(), col);
  int n = sqlite3_column_bytes(s_.get(), col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
bool Stmt::isNull(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }

Result<Db> Db::open(const std::string& path, bool readonly) {
  sqlite3* raw = nullptr;
  int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db;
  db.db_.reset(raw);
  if (rc != SQLITE_OK)
    return unexpected(errc::kStore, "sqlite: cannot open " + path + ": " + db.lastError());
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Result<void> Db::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    return unexpected(errc::kStore, "sqlite: " + msg);
  }
  return {};
}

Result<Stmt> Db::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return unexpected(errc::kStore, "sqlite: prepare: " + lastError());
  return Stmt(s);
}

int64_t Db::changes() const { return sqlite3_changes64(db_.get()); }
std::string Db::lastError() const { return db_ ? sqlite3_errmsg(db_.get()) : "out of memory"; }

}  // namespace hub::store
