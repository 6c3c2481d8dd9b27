// Operator views and actions, on both backends (a real SQLite file, a real PostgreSQL database):
// lists with filters and a cursor, a
// delivery's detail, replay of a dead delivery, pause and resume, intake again for a
// quarantined event.
#include <gtest/gtest.h>

#include <future>

#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;

namespace {

const Actor kAlice{"operator:alice", "127.0.0.1:40000", ""};

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 2'000'000;
};

template <class T>
T wait(std::function<void(std::function<void(T)>)> submit) {
  std::promise<T> p;
  submit([&](T r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

class OperatorTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
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
  IntakeRecord event(const std::string& msg, const std::string& case_id,
                     std::vector<std::string> partners, bool quarantined = false) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = case_id;
    r.env.actor = "burgemeester:0344:test";
    r.env.body = "{\"zaaknummer\":\"" + case_id + "\"}";
    r.env.received_at_ms = clock_.now;
    r.quarantined = quarantined;
    if (quarantined) r.reason = "schema_violation: /event/besluit: missing";
    for (const auto& p : partners)
      r.deliveries.push_back({msg + "/" + p, p, "product", clock_.now + 60'000, 0, 0});
    return r;
  }
  void intake(IntakeRecord r) {
    auto s = wait<Result<IntakeStatus>>(
        [&](auto done) { store_->submitIntake(std::move(r), std::move(done)); });
    ASSERT_TRUE(s);
  }
  std::vector<DueDelivery> claim(const std::string& partner) {
    auto r = wait<Result<std::vector<DueDelivery>>>(
        [&](auto done) { store_->submitClaimDue(partner, clock_.now, 10, std::move(done)); });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<DueDelivery>{};
  }
  void dead(const DueDelivery& d) {
    AttemptResult res;
    res.seq = d.seq;
    res.attempt = 1;
    res.started_at = res.finished_at = clock_.now;
    res.outcome = "permanent_error";
    res.http_status = 400;
    res.reason = "no channel left: rest-xml: permanent error: HTTP 400";
    res.reasons = "rest-xml: permanent error: HTTP 400";
    res.new_state = DeliveryState::kDead;
    res.channel = "rest-xml";
    res.signed_product = "<signed/>";
    res.product_sha256 = "ab12";
    auto r = wait<Result<void>>([&](auto done) { store_->submitResult(res, std::move(done)); });
    ASSERT_TRUE(r);
  }
  hub::testing::StoreLocation where_;
  Clock clock_;
  std::unique_ptr<store::SqlStore> store_;
};

TEST_P(OperatorTest, ListsFilterAndPageAndShowTheAttempts) {
  intake(event("m1", "Z1", {"om", "igj"}));
  intake(event("m2", "Z2", {"om"}));
  DeliveryFilter f;
  f.partner = "om";
  auto om = store_->listDeliveries(f);
  ASSERT_TRUE(om);
  ASSERT_EQ(om->size(), 2u);
  f.limit = 1;
  auto page1 = store_->listDeliveries(f);
  ASSERT_EQ(page1->size(), 1u);
  f.after_seq = (*page1)[0].seq;
  auto page2 = store_->listDeliveries(f);
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ((*page2)[0].delivery_id, "m2/om");
  DeliveryFilter byCase;
  byCase.case_id = "Z1";
  EXPECT_EQ(store_->listDeliveries(byCase)->size(), 2u);

  auto claimed = claim("igj");
  ASSERT_EQ(claimed.size(), 1u);
  dead(claimed[0]);
  auto detail = store_->delivery("m1/igj");
  ASSERT_TRUE(detail && detail->has_value());
  EXPECT_EQ((*detail)->delivery.state, "dead");
  EXPECT_EQ((*detail)->delivery.product_sha256, "ab12");
  EXPECT_EQ((*detail)->event.message_id, "m1");
  EXPECT_TRUE((*detail)->event.body.empty());
  ASSERT_EQ((*detail)->attempts.size(), 1u);
  EXPECT_EQ((*detail)->attempts[0].http_status, 400);
  EXPECT_FALSE(*store_->delivery("nope"));
}

TEST_P(OperatorTest, ReplayPutsADeadDeliveryBackWithItsIdAndProduct) {
  intake(event("m1", "Z1", {"om"}));
  auto claimed = claim("om");
  ASSERT_EQ(claimed.size(), 1u);
  dead(claimed[0]);
  auto n = wait<Result<int64_t>>([&](auto done) {
    store_->submitReplay({{"m1/om", clock_.now + 1'800'000}, {"unknown", 0}}, clock_.now, kAlice,
                         std::move(done));
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  auto again = claim("om");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delivery_id, "m1/om");
  EXPECT_EQ(again[0].signed_product, "<signed/>");  // the same signed bytes go out again
  EXPECT_EQ(again[0].channel_index, 0);
  // A delivery that is not dead is not replayed.
  auto none = wait<Result<int64_t>>([&](auto done) {
    store_->submitReplay({{"m1/om", clock_.now}}, clock_.now, kAlice, std::move(done));
  });
  EXPECT_EQ(*none, 0);
}

TEST_P(OperatorTest, APausedPartnerIsNotClaimedUntilResumed) {
  intake(event("m1", "Z1", {"om"}));
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitPause("om", true, kAlice, clock_.now, std::move(done)); }));
  EXPECT_EQ(*store_->pausedPartners(), std::vector<std::string>{"om"});
  EXPECT_TRUE(claim("om").empty());
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitPause("om", false, kAlice, clock_.now, std::move(done)); }));
  EXPECT_TRUE(store_->pausedPartners()->empty());
  EXPECT_EQ(claim("om").size(), 1u);
}

TEST_P(OperatorTest, AQuarantinedEventReplayedIsRoutedUnderItsMessageId) {
  intake(event("q1", "Z9", {}, true));
  EventFilter f;
  auto q = store_->listEvents(f);
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].reason, "schema_violation: /event/besluit: missing");
  auto withBody = store_->event("q1", true);
  ASSERT_TRUE(withBody && withBody->has_value());
  EXPECT_EQ((*withBody)->body, "{\"zaaknummer\":\"Z9\"}");
  auto s = wait<Result<IntakeStatus>>([&](auto done) {
    store_->submitReplayEvent(event("q1", "Z9", {"om"}), kAlice, std::move(done));
  });
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, IntakeStatus::kStored);
  EXPECT_TRUE(store_->listEvents(f)->empty());
  EXPECT_EQ(claim("om").size(), 1u);
  // Only a quarantined event can be replayed.
  auto again = wait<Result<IntakeStatus>>([&](auto done) {
    store_->submitReplayEvent(event("q1", "Z9", {"om"}), kAlice, std::move(done));
  });
  EXPECT_FALSE(again);
}

INSTANTIATE_TEST_SUITE_P(Backends, OperatorTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
