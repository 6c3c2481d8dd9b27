#pragma once
// Thin RAII wrappers over sqlite3 and sqlite3_stmt (the only place that includes sqlite3.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/core/c_ptr.h"
#include "hub/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hub::store {

int closeDb(sqlite3* db);
int finalizeStmt(sqlite3_stmt* s);

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bindBlob(int i, std::string_view v);
  Stmt& bindNull(int i);
  // Returns true when a row is available, false when done; error on failure.
  Result<bool> step();
  Result<void> run();  // step to completion, then reset
  void reset();
  int64_t int64(int col) const;
  std::string text(int col) const;
  bool isNull(int col) const;

 private:
  CPtr<sqlite3_stmt, finalizeStmt> s_;
};

class Db {
 public:
  static Result<Db> open(const std::string& path, bool readonly);
  Result<void> exec(const std::string& sql);
  Result<Stmt> prepare(const std::string& sql);
  int64_t changes() const;
  std::string lastError() const;
  sqlite3* raw() const { return db_.get(); }

 private:
  CPtr<sqlite3, closeDb> db_;
};

}  // namespace hub::store
