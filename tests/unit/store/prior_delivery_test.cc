// A delivery that waits on the case's own history (a route's delivered_before condition, e.g.
// the PvP's end notice on its start notice): decided in the intake transaction, on both backends
// (a real SQLite file, a real PostgreSQL database); the outcome is a routing note in the event's
// history and in the audit trail.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "hub/store/sql_db.h"
#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;

namespace {

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 1'000'000;
};

class Trail : public AuditTrail {
 public:
  Result<void> append(const std::vector<AuditRecord>& records) override {
    std::lock_guard<std::mutex> lock(mu);
    all.insert(all.end(), records.begin(), records.end());
    return {};
  }
  bool writable() const override { return true; }
  std::string lastError() const override { return ""; }
  std::vector<AuditRecord> routed(const std::string& message_id) {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<AuditRecord> out;
    for (const auto& r : all)
      if (r.action == "routed" && r.message_id == message_id) out.push_back(r);
    return out;
  }
  std::mutex mu;
  std::vector<AuditRecord> all;
};

constexpr const char* kStart = "informeren-pvp";
constexpr const char* kEnd = "informeren-pvp-beeindiging";

class PriorDeliveryTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
 protected:
  void SetUp() override {
    where_.make(GetParam());
    store::SqlStore::Options o = where_.options(64);
    o.audit = &trail_;
    auto s = store::SqlStore::open(o, clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    where_.remove();
  }

  // The start of a measure: to the OM, and to the PvP when the patient consented.
  static IntakeRecord start(const std::string& msg, const std::string& case_id, bool consent) {
    IntakeRecord r = base(msg, case_id, "wvggz.crisismaatregel.genomen");
    r.deliveries.push_back({msg + "/om", "om", "kennisgeving-crisismaatregel", 2'000'000});
    if (consent) r.deliveries.push_back({msg + "/pvp", "pvp", kStart, 2'000'000});
    return r;
  }
  // The end of a measure: to the OM, and to the PvP if the case's start notice went to it.
  static IntakeRecord end(const std::string& msg, const std::string& case_id) {
    IntakeRecord r = base(msg, case_id, "wvggz.crisismaatregel.beeindigd");
    r.deliveries.push_back(
        {msg + "/om", "om", "kennisgeving-beeindiging-crisismaatregel", 2'000'000});
    PlannedDelivery pvp{msg + "/pvp", "pvp", kEnd, 2'000'000};
    pvp.requires_prior.push_back({"pvp", kStart});
    r.deliveries.push_back(pvp);
    r.history.push_back("planned pvp/informeren-pvp-beeindiging delivery " + msg +
                        "/pvp, if this case has a delivery pvp/informeren-pvp");
    return r;
  }
  static IntakeRecord base(const std::string& msg, const std::string& case_id,
                           const std::string& type) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = type;
    r.env.case_id = case_id;
    r.env.actor = "burgemeester:0344:test";
    r.env.body = "{}";
    r.env.received_at_ms = 1'000'000;
    r.event_xml = "<event/>";
    return r;
  }

  std::future<Result<IntakeStatus>> submit(IntakeRecord r) {
    auto p = std::make_shared<std::promise<Result<IntakeStatus>>>();
    auto f = p->get_future();
    store_->submitIntake(std::move(r), [p](Result<IntakeStatus> s) { p->set_value(std::move(s)); });
    return f;
  }
  void intake(IntakeRecord r) {
    auto s = submit(std::move(r)).get();
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(*s, IntakeStatus::kStored);
  }
  void finish(const std::string& delivery_id, DeliveryState state) {
    auto due = store_->due("pvp", clock_.now, 100);
    ASSERT_TRUE(due);
    int64_t seq = 0;
    for (const auto& d : *due)
      if (d.delivery_id == delivery_id) seq = d.seq;
    ASSERT_NE(seq, 0) << delivery_id << " not due";
    AttemptResult res;
    res.seq = seq;
    res.attempt = 1;
    res.outcome = state == DeliveryState::kDelivered ? "delivered" : "permanent_error";
    res.new_state = state;
    res.channel = "rest-xml";
    std::promise<Result<void>> p;
    store_->submitResult(res, [&](Result<void> s) { p.set_value(std::move(s)); });
    ASSERT_TRUE(p.get_future().get());
  }
  std::vector<std::string> dueIds(const std::string& partner) {
    std::vector<std::string> out;
    auto due = store_->due(partner, clock_.now, 100);
    EXPECT_TRUE(due);
    if (due)
      for (const auto& d : *due) out.push_back(d.delivery_id);
    return out;
  }
  // The stored deliveries of an event (partner/product) and its history notes.
  std::vector<std::string> query(const std::string& sql, const std::string& message_id) {
    auto db = where_.openDb(true);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return {};
    auto s = db->prepare(sql);
    EXPECT_TRUE(s) << s.error().message;
    s->bind(1, message_id);
    std::vector<std::string> out;
    while (true) {
      auto row = s->step();
      if (!row || !*row) break;
      out.push_back(s->text(0));
    }
    return out;
  }
  std::vector<std::string> deliveries(const std::string& message_id) {
    return query(
        "SELECT d.partner||'/'||d.product FROM deliveries d JOIN events e ON e.id=d.event_id "
        "WHERE e.message_id=?1 ORDER BY d.seq",
        message_id);
  }
  // In the order written. event_history has no key of its own: SQLite's rowid is the insertion
  // order; PostgreSQL has no such column, and in this insert-only table the row's place in the
  // heap (ctid) is that order.
  std::vector<std::string> history(const std::string& message_id) {
    const char* order = GetParam() == hub::testing::StoreBackend::kSqlite ? "h.rowid" : "h.ctid";
    return query(
        std::string("SELECT h.note FROM event_history h JOIN events e ON e.id=h.event_id WHERE "
                    "e.message_id=?1 ORDER BY ") +
            order,
        message_id);
  }

  hub::testing::StoreLocation where_;
  Clock clock_;
  Trail trail_;
  std::unique_ptr<store::SqlStore> store_;
};

TEST_P(PriorDeliveryTest, StartWithConsentThenEndWithoutTheFlag) {
  intake(start("start", "Z1", true));
  finish("start/pvp", DeliveryState::kDelivered);
  intake(end("end", "Z1"));
  EXPECT_EQ(deliveries("end"),
            (std::vector<std::string>{"om/kennisgeving-beeindiging-crisismaatregel",
                                      "pvp/informeren-pvp-beeindiging"}));
  auto notes = history("end");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[1],
            "condition of pvp/informeren-pvp-beeindiging holds: this case has delivery "
            "pvp/informeren-pvp start/pvp (delivered)");
  EXPECT_EQ(dueIds("pvp"), std::vector<std::string>{"end/pvp"});
  auto routed = trail_.routed("end");
  ASSERT_EQ(routed.size(), 2u);
  EXPECT_EQ(routed[1].outcome, "planned");
  EXPECT_EQ(routed[1].delivery_id, "end/pvp");
}

TEST_P(PriorDeliveryTest, StartWithoutConsentMeansNoEndNoticeAndTheHistorySaysWhy) {
  intake(start("start", "Z1", false));
  intake(start("other", "Z2", true));  // another case's start notice does not count
  intake(end("end", "Z1"));
  EXPECT_EQ(deliveries("end"),
            std::vector<std::string>{"om/kennisgeving-beeindiging-crisismaatregel"});
  auto notes = history("end");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[1],
            "not planned pvp/informeren-pvp-beeindiging: no delivery pvp/informeren-pvp for this "
            "case before this event");
  // The audit trail records what was planned: the OM's notice, and the PvP's as not planned.
  auto routed = trail_.routed("end");
  ASSERT_EQ(routed.size(), 2u);
  EXPECT_EQ(routed[0].outcome, "planned");
  EXPECT_EQ(routed[0].partner, "om");
  EXPECT_EQ(routed[1].outcome, "not_planned");
  EXPECT_EQ(routed[1].reason, notes[1]);
  EXPECT_EQ(dueIds("pvp"), std::vector<std::string>{"other/pvp"});
}

TEST_P(PriorDeliveryTest, EndWaitsBehindAStartNoticeStillOnItsWay) {
  intake(start("start", "Z1", true));
  intake(end("end", "Z1"));
  EXPECT_EQ(deliveries("end").size(), 2u);
  EXPECT_NE(history("end")[1].find("start/pvp (pending)"), std::string::npos);
  // Case order: the end notice leaves only after the start notice.
  EXPECT_EQ(dueIds("pvp"), std::vector<std::string>{"start/pvp"});
  finish("start/pvp", DeliveryState::kDelivered);
  EXPECT_EQ(dueIds("pvp"), std::vector<std::string>{"end/pvp"});
}

// Submitted back to back (usually one group commit): the end sees the start written before it.
TEST_P(PriorDeliveryTest, StartAndEndSubmittedBackToBack) {
  auto a = submit(start("start", "Z1", true));
  auto b = submit(end("end", "Z1"));
  ASSERT_TRUE(a.get());
  ASSERT_TRUE(b.get());
  EXPECT_EQ(deliveries("end").size(), 2u);
}

TEST_P(PriorDeliveryTest, ADeadStartNoticeStillCountsAndTheNoteSaysSo) {
  intake(start("start", "Z1", true));
  finish("start/pvp", DeliveryState::kDead);
  intake(end("end", "Z1"));
  EXPECT_EQ(deliveries("end").size(), 2u);
  EXPECT_NE(history("end")[1].find("start/pvp (dead: the partner may not have it"),
            std::string::npos);
}

TEST_P(PriorDeliveryTest, ReplayOfAQuarantinedEndEventAppliesTheSameRule) {
  intake(start("start-1", "Z1", true));
  intake(start("start-2", "Z2", false));
  for (const char* msg : {"end-1", "end-2"}) {
    IntakeRecord q = base(msg, "Z0", "wvggz.crisismaatregel.beeindigd");
    q.quarantined = true;
    q.reason = "schema_violation: body: something";
    auto s = submit(q).get();
    ASSERT_TRUE(s && *s == IntakeStatus::kQuarantined);
  }
  auto replay = [&](IntakeRecord r) {
    std::promise<Result<IntakeStatus>> p;
    store_->submitReplayEvent(std::move(r), Actor{"operator:alice", "local", ""},
                              [&](Result<IntakeStatus> s) { p.set_value(std::move(s)); });
    auto s = p.get_future().get();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(*s, IntakeStatus::kStored);
  };
  replay(end("end-1", "Z1"));
  replay(end("end-2", "Z2"));
  EXPECT_EQ(deliveries("end-1").size(), 2u);
  EXPECT_EQ(deliveries("end-2"),
            std::vector<std::string>{"om/kennisgeving-beeindiging-crisismaatregel"});
  auto notes = history("end-2");
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes.back().rfind("not planned pvp/informeren-pvp-beeindiging: no delivery", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PriorDeliveryTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
