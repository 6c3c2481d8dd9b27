// The store with a backlog: the queries that run again and again (claims, the scheduler's
// wake-up, the gauges of every scrape) seek an index and never scan the deliveries; the counts
// kept by triggers match the deliveries through every transition, and a database made before
// them gets them on upgrade.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <tuple>

#include "hub/store/sql_queries.h"
#include "hub/store/sql_store.h"

namespace fs = std::filesystem;
using namespace hub;

namespace {

const Actor kAlice{"operator:alice", "127.0.0.1:40000", ""};

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 5'000'000;
};

class BacklogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ketenhub-plan-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    open();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void open() {
    auto s = store::SqlStore::open({db(), 64}, clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  std::string db() const { return (dir_ / "hub.db").string(); }

  // The plan's lines (EXPLAIN QUERY PLAN), one string.
  std::string plan(const std::string& sql) {
    auto d = store::Db::open(db(), true);
    EXPECT_TRUE(d);
    auto s = d->prepare("EXPLAIN QUERY PLAN " + sql);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    if (!s) return "";
    std::string out;
    while (auto row = s->step()) {
      if (!*row) break;
      out += s->text(3) + "\n";
    }
    return out;
  }

  // Legal deadline: from `start`, `legal_ms` long.
  void intake(const std::string& msg, const std::string& case_id, std::vector<std::string> partners,
              int64_t start = 0, int64_t legal_ms = 0) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = case_id;
    r.env.body = "{}";
    r.env.received_at_ms = clock_.now;
    for (const auto& p : partners) {
      PlannedDelivery d{msg + "/" + p, p, "product", clock_.now + 60'000, 0, 0};
      if (legal_ms > 0) {
        d.legal_start_at = start;
        d.legal_deadline_at = start + legal_ms;
      }
      r.deliveries.push_back(d);
    }
    std::promise<Result<IntakeStatus>> p;
    store_->submitIntake(std::move(r), [&](Result<IntakeStatus> s) { p.set_value(std::move(s)); });
    ASSERT_TRUE(p.get_future().get());
  }
  std::vector<DueDelivery> claim(const std::string& partner, int limit) {
    std::promise<Result<std::vector<DueDelivery>>> p;
    store_->submitClaimDue(partner, clock_.now, limit,
                           [&](Result<std::vector<DueDelivery>> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r);
    return r ? *r : std::vector<DueDelivery>{};
  }
  void finish(const DueDelivery& d, DeliveryState state, const std::string& channel = "rest-xml") {
    AttemptResult res;
    res.seq = d.seq;
    res.attempt = d.attempts + 1;
    res.started_at = res.finished_at = clock_.now;
    res.outcome = state == DeliveryState::kDelivered ? "delivered" : "permanent_error";
    res.new_state = state;
    res.next_at = clock_.now + 1000;
    res.channel = channel;
    std::promise<Result<void>> p;
    store_->submitResult(res, [&](Result<void> r) { p.set_value(std::move(r)); });
    ASSERT_TRUE(p.get_future().get());
  }

  using Key = std::tuple<std::string, std::string, std::string>;  // partner, state, channel
  // What delivery_counts should hold: counted from the deliveries themselves.
  std::map<Key, int64_t> counted() {
    auto d = store::Db::open(db(), true);
    EXPECT_TRUE(d);
    auto s = d->prepare(
        "SELECT partner,state,CASE WHEN state IN ('delivered','dead') THEN COALESCE(channel,'') "
        "ELSE '' END,COUNT(*) FROM deliveries GROUP BY 1,2,3");
    EXPECT_TRUE(s);
    std::map<Key, int64_t> out;
    while (auto row = s->step()) {
      if (!*row) break;
      out[{s->text(0), s->text(1), s->text(2)}] = s->int64(3);
    }
    return out;
  }
  // What the store reports: counts() per (partner, state) and channelCounts() for final ones.
  std::map<Key, int64_t> reported() {
    std::map<Key, int64_t> out;
    auto c = store_->counts();
    EXPECT_TRUE(c);
    auto by = store_->channelCounts();
    EXPECT_TRUE(by);
    for (const auto& x : *c)
      if (x.state != "delivered" && x.state != "dead") out[{x.partner, x.state, ""}] = x.count;
    int64_t final_total = 0, final_counted = 0;
    for (const auto& x : *by) {
      out[{x.partner, x.state, x.channel}] = x.count;
      final_total += x.count;
    }
    for (const auto& x : *c)
      if (x.state == "delivered" || x.state == "dead") final_counted += x.count;
    EXPECT_EQ(final_total, final_counted);
    return out;
  }

  fs::path dir_;
  Clock clock_;
  std::unique_ptr<store::SqlStore> store_;
};

TEST_F(BacklogStoreTest, RepeatedQueriesSeekAnIndexAndNeverScanTheDeliveries) {
  struct Case {
    const char* name;
    std::string sql;
    std::vector<const char*> uses;
  };
  std::vector<Case> cases = {
      {"due", store::sql::due(), {"INDEX deliveries_due", "INDEX deliveries_case"}},
      {"overdue", store::sql::overdue(), {"INDEX deliveries_overdue"}},
      {"fallback due", store::sql::fallbackDue(), {"INDEX deliveries_fallback"}},
      {"next due", store::sql::nextDue(), {"INDEX deliveries_next"}},
      {"next due of a partner",
       store::sql::nextDueOfPartner(),
       {"INDEX deliveries_due", "INDEX deliveries_case"}},
      {"next due on a channel", store::sql::nextDueOfChannel(), {"INDEX deliveries_fallback"}},
      {"counts",
       store::sql::counts(),
       {"COVERING INDEX deliveries_state", "COVERING INDEX deliveries_legal_half",
        "COVERING INDEX deliveries_dead_legal"}},
      {"channel counts", store::sql::channelCounts(), {"delivery_counts"}},
  };
  for (const auto& c : cases) {
    std::string p = plan(c.sql);
    for (const char* index : c.uses) EXPECT_NE(p.find(index), std::string::npos) << c.name << p;
    // No scan of the deliveries (a SCAN of delivery_counts reads a row per partner and state),
    // and no sort of what a condition matched (the order comes from the index).
    EXPECT_EQ(p.find("SCAN d\n"), std::string::npos) << c.name << "\n" << p;
    EXPECT_EQ(p.find("SCAN deliveries"), std::string::npos) << c.name << "\n" << p;
    EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << c.name << "\n" << p;
  }
}

// The scheduler's wake-up looks only at what it could claim: a partner that is down (left out of
// the list) with deliveries due long ago does not make it spin.
TEST_F(BacklogStoreTest, NextDueForCountsOnlyTheGivenPartners) {
  intake("m1", "Z1", {"om"});
  clock_.now += 5'000;
  intake("m2", "Z2", {"igj"});
  auto om_first = clock_.now - 5'000;
  auto both = store_->nextDueFor({"om", "igj"}, {});
  ASSERT_TRUE(both && both->has_value());
  EXPECT_EQ(**both, om_first);
  auto igj = store_->nextDueFor({"igj"}, {});
  ASSERT_TRUE(igj && igj->has_value());
  EXPECT_EQ(**igj, clock_.now);
  auto none = store_->nextDueFor({"pvp"}, {"securemail"});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  // A paused partner's deliveries wait without waking anyone.
  std::promise<Result<void>> paused;
  store_->submitPause("om", true, kAlice, clock_.now, [&](auto r) {
    paused.set_value(r ? Result<void>() : unexpected(r.error()));
  });
  ASSERT_TRUE(paused.get_future().get());
  auto om = store_->nextDueFor({"om"}, {});
  ASSERT_TRUE(om);
  EXPECT_FALSE(om->has_value());
  // Held back by an earlier delivery of its case (in flight): not counted; another case is.
  clock_.now += 5'000;
  intake("m3", "Z2", {"igj"});  // same case as m2
  clock_.now += 5'000;
  intake("m4", "Z3", {"igj"});
  ASSERT_EQ(claim("igj", 1).size(), 1u);  // m2
  auto blocked = store_->nextDueFor({"igj"}, {});
  ASSERT_TRUE(blocked && blocked->has_value());
  EXPECT_EQ(**blocked, clock_.now);  // m4's, not m3's (earlier, but its case is busy)
  // m4 claimed: only m3 waits, held back by m2 (in flight): nothing to wake for.
  ASSERT_EQ(claim("igj", 10).size(), 1u);
  auto after = store_->nextDueFor({"igj"}, {});
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->has_value());
}

TEST_F(BacklogStoreTest, OverdueClaimTakesTheSoonestDeadlineFirst) {
  intake("m1", "Z1", {"om"});
  clock_.now -= 30'000;  // a later delivery with an earlier deadline
  intake("m2", "Z2", {"om"});
  clock_.now += 30'000;
  std::promise<Result<std::vector<DueDelivery>>> p;
  store_->submitClaimOverdue("om", clock_.now + 120'000, 1,
                             [&](auto r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].delivery_id, "m2/om");
}

TEST_F(BacklogStoreTest, CountsFollowEveryTransition) {
  for (int i = 0; i < 6; ++i) intake("m" + std::to_string(i), "Z" + std::to_string(i), {"om"});
  intake("g1", "G1", {"igj"});
  EXPECT_EQ(reported(), counted());
  auto om = claim("om", 4);  // pending -> in_flight
  ASSERT_EQ(om.size(), 4u);
  EXPECT_EQ(reported(), counted());
  finish(om[0], DeliveryState::kDelivered);
  finish(om[1], DeliveryState::kRetryWait);
  finish(om[2], DeliveryState::kDead);
  finish(om[3], DeliveryState::kDead, "print");
  EXPECT_EQ(reported(), counted());
  EXPECT_EQ(counted()[(Key{"om", "dead", "print"})], 1);
  // An operator's replay: dead -> pending; a restart: in_flight -> pending.
  std::promise<Result<int64_t>> replayed;
  store_->submitReplay({{om[2].delivery_id, clock_.now + 60'000, 0}}, clock_.now, kAlice,
                       [&](Result<int64_t> r) { replayed.set_value(std::move(r)); });
  ASSERT_EQ(replayed.get_future().get().value_or(0), 1);
  ASSERT_EQ(claim("igj", 1).size(), 1u);
  store_.reset();
  open();
  ASSERT_TRUE(store_->recoverInFlight());
  EXPECT_EQ(reported(), counted());
  auto c = store_->counts();
  ASSERT_TRUE(c);
  for (const auto& x : *c) EXPECT_NE(x.state, "in_flight");
}

TEST_F(BacklogStoreTest, GaugesCountLegalDeadlinesAndTheOldestWaiting) {
  // Legal period from 4,000,000 for 2,000,000 ms: half at 5,000,000, over at 6,000,000.
  clock_.now = 4'500'000;
  intake("old", "Z1", {"om"}, 4'000'000, 2'000'000);
  clock_.now = 5'500'000;
  intake("late", "Z2", {"om"}, 5'400'000, 2'000'000);  // half at 6,400,000
  intake("none", "Z3", {"om"});
  auto first = claim("om", 2);
  ASSERT_EQ(first.size(), 2u);
  finish(first[0], DeliveryState::kDead);  // "old": dead within its legal deadline
  auto c = store_->counts();
  ASSERT_TRUE(c);
  std::map<std::string, StateCount> by;
  for (const auto& x : *c) by[x.state] = x;
  EXPECT_EQ(by["dead"].count, 1);
  EXPECT_EQ(by["dead"].past_half_legal, 1);
  EXPECT_EQ(by["dead"].within_legal, 1);
  EXPECT_EQ(by["in_flight"].count, 1);
  EXPECT_EQ(by["in_flight"].past_half_legal, 0);
  EXPECT_EQ(by["pending"].count, 1);
  EXPECT_EQ(by["pending"].oldest_created_at, 5'500'000);
  clock_.now = 6'500'000;  // "old" is past its legal deadline, "late" past half of it
  c = store_->counts();
  ASSERT_TRUE(c);
  for (const auto& x : *c) by[x.state] = x;
  EXPECT_EQ(by["dead"].within_legal, 0);
  EXPECT_EQ(by["in_flight"].past_half_legal, 1);
}

// A database from before the counts (schema 8): upgrading counts what it holds, and the indexes
// are there.
TEST_F(BacklogStoreTest, UpgradeCountsTheDeliveriesAlreadyStored) {
  for (int i = 0; i < 5; ++i) intake("m" + std::to_string(i), "Z" + std::to_string(i), {"om"});
  auto om = claim("om", 3);
  ASSERT_EQ(om.size(), 3u);
  finish(om[0], DeliveryState::kDelivered);
  finish(om[1], DeliveryState::kDead);
  store_.reset();
  {
    auto w = store::Db::open(db(), false);
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->exec(
        "BEGIN;DROP TRIGGER deliveries_counted;DROP TRIGGER deliveries_recounted;"
        "DROP TRIGGER deliveries_uncounted;DROP TABLE delivery_counts;"
        "DROP INDEX deliveries_overdue;DROP INDEX deliveries_next;DROP INDEX deliveries_state;"
        "DROP INDEX deliveries_legal_half;DROP INDEX deliveries_dead_legal;"
        "CREATE INDEX deliveries_state ON deliveries(state, partner);"
        "DELETE FROM schema_version WHERE version>=9;"
        // and before the leases (schema 10) and the cluster's caps and circuits (11)
        "DROP INDEX deliveries_leased;DROP TABLE instances;"
        "DROP INDEX deliveries_in_flight;DROP TABLE partner_circuits;"
        "ALTER TABLE deliveries DROP COLUMN lease_owner;"
        "ALTER TABLE deliveries DROP COLUMN lease_until;"
        // Written by a hub of schema 8: not counted by any trigger.
        "UPDATE deliveries SET state='retry_wait' WHERE state='in_flight';COMMIT"));
  }
  open();
  EXPECT_EQ(reported(), counted());
  EXPECT_EQ(counted()[(Key{"om", "retry_wait", ""})], 1);
  EXPECT_NE(plan(store::sql::nextDue()).find("deliveries_next"), std::string::npos);
}

}  // namespace
