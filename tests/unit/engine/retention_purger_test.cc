// RetentionPurger on a real store, on both backends (SQLite, PostgreSQL): a run purges in batches
// until nothing more is due, counts what went in the metrics and its status; a failed run is
// counted, reported and the next one purges; the thread runs once at start and stops promptly.
#include "hub/engine/retention_purger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "hub/store/sql_db.h"
#include "hub/store/sql_store.h"
#include "tests/unit/engine/fake_clock_random.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;

namespace {

constexpr int64_t kDay = 86'400'000;

class RetentionPurgerTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
 protected:
  void SetUp() override {
    where_.make(GetParam());
    auto s = store::SqlStore::open(where_.options(64), clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    where_.remove();
  }
  void intake(const std::string& msg) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.body = "{}";
    r.env.received_at_ms = clock_.nowMs();
    std::promise<Result<IntakeStatus>> p;
    store_->submitIntake(std::move(r), [&](Result<IntakeStatus> s) { p.set_value(s); });
    ASSERT_TRUE(p.get_future().get());
  }
  engine::RetentionPurger::Options options(int batch = 500) {
    engine::RetentionPurger::Options o;
    o.payload_days = [] { return 30; };
    o.batch = batch;
    return o;
  }
  uint64_t purged(const std::string& kind) {
    return stats_.counter("ketenhub_retention_purged_total", stats::labels({{"kind", kind}}));
  }

  hub::testing::StoreLocation where_;
  engine::testing::FakeClock clock_;
  stats::Stats stats_;
  std::unique_ptr<store::SqlStore> store_;
};

TEST_P(RetentionPurgerTest, ARunPurgesInBatchesUntilNothingIsDueAndReportsIt) {
  for (const char* m : {"m1", "m2", "m3"}) intake(m);
  clock_.advance(31 * kDay);
  engine::RetentionPurger purger(*store_, clock_, stats_, options(2));
  auto r = purger.runOnce();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events, 3);
  EXPECT_FALSE(r->more);
  EXPECT_EQ(purged("event_body"), 3u);
  EXPECT_EQ(purged("outbox"), 0u);
  auto st = purger.status();
  EXPECT_EQ(st.payload_days, 30);
  EXPECT_EQ(st.last_success_at, clock_.nowMs());
  EXPECT_EQ(st.last.events, 3);
  EXPECT_TRUE(st.last_error.empty());
  std::string text = stats_.renderPrometheus();
  EXPECT_NE(text.find("ketenhub_retention_last_success_timestamp_seconds " +
                      std::to_string(clock_.nowMs() / 1000)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ketenhub_retention_failures_total 0\n"), std::string::npos) << text;
}

TEST_P(RetentionPurgerTest, YoungPayloadsStay) {
  intake("m1");
  clock_.advance(29 * kDay);
  engine::RetentionPurger purger(*store_, clock_, stats_, options());
  auto r = purger.runOnce();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->events, 0);
  EXPECT_EQ(purger.status().last_success_at, clock_.nowMs());
}

TEST_P(RetentionPurgerTest, AFailedRunIsCountedAndReportedAndTheNextOnePurges) {
  intake("m1");
  clock_.advance(31 * kDay);
  auto db = where_.openDb(false);
  ASSERT_TRUE(db) << db.error().message;
  const bool sqlite = db->dialect() == store::Dialect::kSqlite;
  // A trigger makes the purge fail; each backend has its own syntax for one.
  ASSERT_TRUE(db->exec(sqlite
                           ? "CREATE TRIGGER no_purge BEFORE UPDATE OF payload_purged_at ON events "
                             "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                           : "CREATE FUNCTION no_purge() RETURNS trigger LANGUAGE plpgsql AS "
                             "$$BEGIN RAISE EXCEPTION 'injected failure'; END$$; "
                             "CREATE TRIGGER no_purge BEFORE UPDATE OF payload_purged_at ON events "
                             "FOR EACH ROW EXECUTE FUNCTION no_purge()"));
  engine::RetentionPurger purger(*store_, clock_, stats_, options());
  auto failed = purger.runOnce();
  ASSERT_FALSE(failed);
  EXPECT_EQ(stats_.counter("ketenhub_retention_failures_total", ""), 1u);
  auto st = purger.status();
  EXPECT_EQ(st.failures, 1);
  EXPECT_NE(st.last_error.find("injected failure"), std::string::npos);
  EXPECT_EQ(st.last_error_at, clock_.nowMs());
  EXPECT_EQ(st.last_success_at, 0);
  EXPECT_TRUE(store_->writable());

  ASSERT_TRUE(db->exec(sqlite ? "DROP TRIGGER no_purge"
                              : "DROP TRIGGER no_purge ON events; DROP FUNCTION no_purge()"));
  clock_.advance(3'600'000);
  auto r = purger.runOnce();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events, 1);
  EXPECT_TRUE(purger.status().last_error.empty());
  EXPECT_EQ(purged("event_body"), 1u);
}

TEST_P(RetentionPurgerTest, RunsAtStartAndStopsPromptly) {
  intake("m1");
  clock_.advance(31 * kDay);
  engine::RetentionPurger purger(*store_, clock_, stats_, options());
  purger.start();
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (purger.status().last_run_at == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(purger.status().last.events, 1);
  auto before = std::chrono::steady_clock::now();
  purger.stop();  // the next run is an hour away
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionPurgerTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
