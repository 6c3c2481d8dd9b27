// The SQLite backend of Db/Stmt (the only file that includes sqlite3.h).
#include <sqlite3.h>

#include <mutex>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/store/sql_db.h"

namespace hub::store {
namespace {

int closeDb(sqlite3* db) { return sqlite3_close_v2(db); }
int finalizeStmt(sqlite3_stmt* s) { return sqlite3_finalize(s); }

class SqliteStmt final : public StmtBackend {
 public:
  explicit SqliteStmt(sqlite3_stmt* s) : s_(s) {}
  void bindInt(int i, int64_t v) override { sqlite3_bind_int64(s_.get(), i, v); }
  void bindText(int i, std::string_view v) override {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bindBlob(int i, std::string_view v) override {
    sqlite3_bind_blob(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bindNull(int i) override { sqlite3_bind_null(s_.get(), i); }
  Result<bool> step() override {
    int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string msg = sqlite3_errmsg(sqlite3_db_handle(s_.get()));
    reset();
    return unexpected(errc::kStore, "sqlite: " + msg);
  }
  void reset() override {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
  }
  int64_t int64(int col) const override { return sqlite3_column_int64(s_.get(), col); }
  std::string text(int col) const override {
    const void* p = sqlite3_column_blob(s_.get(), col);
    int n = sqlite3_column_bytes(s_.get(), col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  bool isNull(int col) const override { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }

 private:
  CPtr<sqlite3_stmt, finalizeStmt> s_;
};

class SqliteDb final : public DbBackend {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<void> exec(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "error";
      sqlite3_free(err);
      return unexpected(errc::kStore, "sqlite: " + msg);
    }
    return {};
  }
  Result<Stmt> prepare(const std::string& sql) override {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return unexpected(errc::kStore, "sqlite: prepare: " + lastError());
    return Stmt(std::make_unique<SqliteStmt>(s));
  }
  int64_t changes() const override { return sqlite3_changes64(db_.get()); }
  bool inTransaction() const override { return sqlite3_get_autocommit(db_.get()) == 0; }
  std::string lastError() const override {
    return db_ ? sqlite3_errmsg(db_.get()) : "out of memory";
  }

 private:
  CPtr<sqlite3, closeDb> db_;
};

}  // namespace

Result<void> Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r) return unexpected(r.error());
    if (!*r) break;
  }
  reset();
  return {};
}

Result<Db> Db::open(const std::string& path, bool readonly) {
  // No memory statistics: with them on (SQLite's default) every sqlite3_malloc and sqlite3_free
  // takes one process-wide mutex, which the writer and the readers then share; perf put ~7 % of
  // the store writer's CPU in that lock. Nothing here reads sqlite3_memory_used(). The setting
  // only takes before SQLite initialises; later it is refused (SQLITE_MISUSE) and changes nothing.
  static std::once_flag no_memstatus;
  std::call_once(no_memstatus, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* raw = nullptr;
  int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto backend = std::make_unique<SqliteDb>(raw);  // owns raw, also when opening failed
  if (rc != SQLITE_OK)
    return unexpected(errc::kStore, "sqlite: cannot open " + path + ": " + backend->lastError());
  sqlite3_busy_timeout(raw, 5000);
  return Db(std::move(backend));
}

}  // namespace hub::store
