#pragma once
// The store's contract tests run on both backends: SQLite (a file in a temp dir) and PostgreSQL
// (a database of its own per test on the binary's private server, tests/support).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <string>

#include "hub/store/sql_db.h"
#include "hub/store/sql_store.h"
#include "tests/support/shared_pg_server.h"

namespace hub::testing {

enum class StoreBackend { kSqlite, kPostgres };

inline std::string backendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param == StoreBackend::kSqlite ? "sqlite" : "postgres";
}

// Where one test's store lives. make() prepares it (an empty temp dir; a fresh database).
class StoreLocation {
 public:
  void make(StoreBackend b) {
    backend_ = b;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    dir_ = std::filesystem::temp_directory_path() /
           ("ketenhub-store-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (b == StoreBackend::kPostgres) {
      db_name_ = "t" + std::to_string(::getpid()) + "_" + name.substr(0, 40);
      sharedPgServer().dropDatabase(db_name_);
      sharedPgServer().createDatabase(db_name_);
    }
  }
  void remove() {
    std::filesystem::remove_all(dir_);
    if (backend_ == StoreBackend::kPostgres) sharedPgServer().dropDatabase(db_name_);
  }
  // Store options for this location (SQLite file `hub.db` in the dir, or the database).
  store::SqlStore::Options options(int group_commit_max = 64) const {
    store::SqlStore::Options o;
    o.path = (dir_ / "hub.db").string();
    o.group_commit_max = group_commit_max;
    if (backend_ == StoreBackend::kPostgres) {
      o.postgres = conninfoWithoutPassword();
      o.postgres_password_file = sharedPgServer().passwordFile();
    }
    return o;
  }
  // A connection of the test's own, to look at or change what the store wrote.
  Result<store::Db> openDb(bool readonly = false) const {
    if (backend_ == StoreBackend::kSqlite)
      return store::Db::open((dir_ / "hub.db").string(), readonly);
    return store::Db::openPostgres(conninfoWithoutPassword(), sharedPgServer().passwordFile());
  }
  const std::filesystem::path& dir() const { return dir_; }
  StoreBackend backend() const { return backend_; }

 private:
  std::string conninfoWithoutPassword() const {
    const auto& pg = sharedPgServer();
    return "host=127.0.0.1 port=" + std::to_string(pg.port()) + " dbname=" + db_name_ +
           " user=" + PgServer::kSuperuser;
  }
  StoreBackend backend_ = StoreBackend::kSqlite;
  std::filesystem::path dir_;
  std::string db_name_;
};

}  // namespace hub::testing
