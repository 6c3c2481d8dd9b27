// The PostgreSQL backend of Db/Stmt on a real server: a statement's server-side prepared
// statements end with it (the admin views prepare one per query: a long-lived connection must not
// grow with every call), while a statement kept and run again reuses its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "hub/store/sql_db.h"
#include "tests/support/shared_pg_server.h"

using namespace hub;
using hub::testing::sharedPgServer;

namespace {

class PgDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = "pgdb" + std::to_string(::getpid());
    sharedPgServer().dropDatabase(name_);
    sharedPgServer().createDatabase(name_);
    auto d = store::Db::openPostgres(
        "host=127.0.0.1 port=" + std::to_string(sharedPgServer().port()) + " dbname=" + name_ +
            " user=" + hub::testing::PgServer::kSuperuser,
        sharedPgServer().passwordFile());
    ASSERT_TRUE(d) << d.error().message;
    db_ = std::move(*d);
  }
  void TearDown() override {
    db_ = store::Db();
    sharedPgServer().dropDatabase(name_);
  }
  int64_t preparedOnServer() {
    auto s = db_.prepare("SELECT COUNT(*) FROM pg_prepared_statements");
    EXPECT_TRUE(s);
    auto row = s->step();
    EXPECT_TRUE(row && *row);
    return s->int64(0);  // counts itself
  }
  std::string name_;
  store::Db db_;
};

TEST_F(PgDbTest, OneOffStatementsLeaveNoPreparedStatementBehind) {
  const int64_t before = preparedOnServer();
  for (int i = 0; i < 50; ++i) {
    auto s = db_.prepare("SELECT ?1 + " + std::to_string(i));
    ASSERT_TRUE(s);
    s->bind(1, int64_t{i});
    auto row = s->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(s->int64(0), 2 * i);
  }
  EXPECT_EQ(preparedOnServer(), before);
}

TEST_F(PgDbTest, AKeptStatementIsPreparedOncePerParameterTypes) {
  auto s = db_.prepare("SELECT COUNT(*) FROM pg_prepared_statements WHERE ?1 IS NOT NULL");
  ASSERT_TRUE(s);
  int64_t seen = -1;
  for (int i = 0; i < 5; ++i) {
    s->reset();
    s->bind(1, int64_t{i});
    auto row = s->step();
    ASSERT_TRUE(row && *row);
    if (seen >= 0) {
      EXPECT_EQ(s->int64(0), seen) << "run " << i;
    }
    seen = s->int64(0);
  }
  s->reset();
  s->bind(1, "a text now");
  auto row = s->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(s->int64(0), seen + 1);  // one more, for (text)
}

}  // namespace
