#pragma once
// The store's connection to its database, whichever it is: SQLite (the embedded default) or
// PostgreSQL (several instances sharing one store). Statements are written once, with numbered
// parameters (?1, ?2, ...); each backend runs them its own way. This header includes neither
// sqlite3.h nor libpq-fe.h: sqlite_db.cc and pg_db.cc are the only files that do.
//
// Semantics every backend keeps (the store relies on them):
//  - step() runs the statement on its first call with the parameters bound so far and returns
//    true while a row is available; run() steps to completion and resets.
//  - reset() forgets the result and the bindings (bind everything again before the next run).
//  - Db::changes() is the number of rows the last completed INSERT/UPDATE/DELETE changed.
//  - A Stmt is used by one thread at a time, with the Db it came from; it must not outlive it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::store {

enum class Dialect { kSqlite, kPostgres };

class StmtBackend {
 public:
  virtual ~StmtBackend() = default;
  virtual void bindInt(int i, int64_t v) = 0;
  virtual void bindText(int i, std::string_view v) = 0;
  virtual void bindBlob(int i, std::string_view v) = 0;
  virtual void bindNull(int i) = 0;
  virtual Result<bool> step() = 0;
  virtual void reset() = 0;
  virtual int64_t int64(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual bool isNull(int col) const = 0;
};

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(std::unique_ptr<StmtBackend> s) : s_(std::move(s)) {}
  Stmt& bind(int i, int64_t v) {
    s_->bindInt(i, v);
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, std::string_view v) {
    s_->bindText(i, v);
    return *this;
  }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bindBlob(int i, std::string_view v) {
    s_->bindBlob(i, v);
    return *this;
  }
  Stmt& bindNull(int i) {
    s_->bindNull(i);
    return *this;
  }
  // True when a row is available, false when done; an error on failure (the statement is reset).
  Result<bool> step() { return s_->step(); }
  Result<void> run();  // step to completion, then reset
  void reset() { s_->reset(); }
  int64_t int64(int col) const { return s_->int64(col); }
  std::string text(int col) const { return s_->text(col); }
  bool isNull(int col) const { return s_->isNull(col); }
  explicit operator bool() const { return s_ != nullptr; }

 private:
  std::unique_ptr<StmtBackend> s_;
};

class DbBackend {
 public:
  virtual ~DbBackend() = default;
  virtual Dialect dialect() const = 0;
  virtual Result<void> exec(const std::string& sql) = 0;
  virtual Result<Stmt> prepare(const std::string& sql) = 0;
  virtual int64_t changes() const = 0;
  virtual bool inTransaction() const = 0;
  virtual std::string lastError() const = 0;
};

class Db {
 public:
  Db() = default;
  explicit Db(std::unique_ptr<DbBackend> b) : b_(std::move(b)) {}
  // SQLite: the file at `path` (created unless readonly).
  static Result<Db> open(const std::string& path, bool readonly);
  // PostgreSQL: a libpq connection string ("host=... port=... dbname=... user=..."); the
  // password, when not in it, from `password_file` (its first line; empty: none). A lost
  // connection is made again on the next statement (prepared statements with it), outside a
  // transaction only; `session_setup` (SQL) runs on every connection before anything else, and
  // a connection whose setup fails is not used.
  static Result<Db> openPostgres(const std::string& conninfo, const std::string& password_file,
                                 const std::string& session_setup = "");

  Dialect dialect() const { return b_->dialect(); }
  Result<void> exec(const std::string& sql) { return b_->exec(sql); }
  Result<Stmt> prepare(const std::string& sql) { return b_->prepare(sql); }
  int64_t changes() const { return b_->changes(); }
  bool inTransaction() const { return b_->inTransaction(); }
  std::string lastError() const { return b_->lastError(); }
  // The statement that starts a write transaction (SQLite takes the write lock at once).
  const char* beginSql() const {
    return dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  }
  // The statement in `slot`, prepared on first use (kept for the connection's life).
  Result<Stmt*> preparedOnce(std::optional<Stmt>& slot, const std::string& sql) {
    if (!slot) {
      auto s = prepare(sql);
      if (!s) return unexpected(s.error());
      slot = std::move(*s);
    }
    return &*slot;
  }
  explicit operator bool() const { return b_ != nullptr; }

 private:
  std::unique_ptr<DbBackend> b_;
};

}  // namespace hub::store
