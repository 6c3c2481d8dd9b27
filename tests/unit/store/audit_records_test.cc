// The audit records the store writes for every operation, in the group commit before the database
// commit (hub/pipeline/audit.h), on both backends (a real SQLite file, a real PostgreSQL database)
// with a recording trail; and what happens when the trail cannot be written (nothing is committed
// until it can).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "hub/core/error_codes.h"
#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;
using namespace std::chrono_literals;

namespace {

const Actor kAlice{"operator:alice", "127.0.0.1:40000", ""};
constexpr const char* kActor = "burgemeester:0344:test";
constexpr const char* kPeer = "amqp:10.0.0.7:5671";
constexpr const char* kPerson = "c0ffee01";

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 3'000'000;
};

// Keeps what was appended; `fail` makes every append fail (and append nothing), like a full disk.
class RecordingTrail : public AuditTrail {
 public:
  Result<void> append(const std::vector<AuditRecord>& records) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (fail) {
      ++failed_;
      writable_ = false;
      last_error_ = "audit trail: no space left on device";
      return unexpected(errc::kIo, last_error_);
    }
    writable_ = true;
    last_error_.clear();
    records_.insert(records_.end(), records.begin(), records.end());
    return {};
  }
  bool writable() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return writable_;
  }
  std::string lastError() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_error_;
  }
  std::vector<AuditRecord> records() const {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }
  std::vector<AuditRecord> byAction(const std::string& action) const {
    std::vector<AuditRecord> out;
    for (const auto& r : records())
      if (r.action == action) out.push_back(r);
    return out;
  }
  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& r : records()) out.push_back(r.action);
    return out;
  }
  int failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    records_.clear();
  }

  std::atomic<bool> fail{false};

 private:
  mutable std::mutex mu_;
  std::vector<AuditRecord> records_;
  bool writable_ = true;
  std::string last_error_;
  int failed_ = 0;
};

template <class T>
T wait(std::function<void(std::function<void(T)>)> submit) {
  auto p = std::make_shared<std::promise<T>>();
  submit([p](T r) { p->set_value(std::move(r)); });
  return p->get_future().get();
}

class AuditRecordsTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
 protected:
  void SetUp() override {
    where_.make(GetParam());
    store::SqlStore::Options opts = where_.options(64);
    opts.audit = &trail_;
    auto s = store::SqlStore::open(opts, clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    trail_.fail = false;
    store_.reset();
    where_.remove();
  }
  IntakeRecord event(const std::string& msg, const std::string& case_id,
                     std::vector<std::string> partners, bool quarantined = false) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = case_id;
    r.env.actor = kActor;
    r.env.peer = kPeer;
    r.env.source = "gemeente";
    r.env.body = "{\"zaaknummer\":\"" + case_id + "\"}";
    r.env.received_at_ms = clock_.now;
    r.person_hash = kPerson;
    r.quarantined = quarantined;
    if (quarantined) r.reason = "schema_violation: /event/besluit: missing";
    for (const auto& p : partners)
      r.deliveries.push_back({msg + "/" + p, p, "product-" + p, clock_.now + 60'000, 0, 0});
    r.history.push_back("planned");  // a routing note that is not a "not planned" one
    return r;
  }
  Result<IntakeStatus> intake(IntakeRecord r) {
    return wait<Result<IntakeStatus>>(
        [&](auto done) { store_->submitIntake(std::move(r), std::move(done)); });
  }
  std::vector<DueDelivery> claim(const std::string& partner) {
    auto r = wait<Result<std::vector<DueDelivery>>>(
        [&](auto done) { store_->submitClaimDue(partner, clock_.now, 10, std::move(done)); });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<DueDelivery>{};
  }
  AttemptResult resultFor(const DueDelivery& d, DeliveryState state, const std::string& channel) {
    AttemptResult res;
    res.seq = d.seq;
    res.attempt = 1;
    res.started_at = clock_.now;
    res.finished_at = clock_.now + 5;
    res.outcome = state == DeliveryState::kDelivered ? "delivered" : "permanent_error";
    res.new_state = state;
    res.channel = channel;
    return res;
  }
  void submit(const AttemptResult& res) {
    auto r = wait<Result<void>>([&](auto done) { store_->submitResult(res, std::move(done)); });
    ASSERT_TRUE(r) << r.error().message;
  }
  // The fields every record about delivery `msg/partner` carries, looked up from the store.
  static void expectDelivery(const AuditRecord& a, const std::string& msg,
                             const std::string& partner) {
    SCOPED_TRACE(a.action);
    EXPECT_EQ(a.message_id, msg);
    EXPECT_EQ(a.case_id, "Z1");
    EXPECT_EQ(a.partner, partner);
    EXPECT_EQ(a.product, "product-" + partner);
    EXPECT_EQ(a.delivery_id, msg + "/" + partner);
    EXPECT_EQ(a.person, kPerson);
    EXPECT_EQ(a.user, kActor);
  }

  hub::testing::StoreLocation where_;
  Clock clock_;
  RecordingTrail trail_;  // outlives the store (declared before it)
  std::unique_ptr<store::SqlStore> store_;
};

TEST_P(AuditRecordsTest, IntakeRecordsReceivedAndRoutedDuplicateAndQuarantine) {
  auto s = intake(event("m1", "Z1", {"om", "igj"}));
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, IntakeStatus::kStored);
  auto recs = trail_.records();
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"received", "routed", "routed"}));
  const auto& rx = recs[0];
  EXPECT_EQ(rx.outcome, "accepted");
  EXPECT_EQ(rx.user, kActor);
  EXPECT_EQ(rx.access_point, kPeer);
  EXPECT_EQ(rx.person, kPerson);
  EXPECT_EQ(rx.message_id, "m1");
  EXPECT_EQ(rx.case_id, "Z1");
  EXPECT_EQ(rx.at_ms, clock_.now);
  EXPECT_TRUE(rx.delivery_id.empty());
  for (size_t i = 1; i < 3; ++i) {
    const std::string partner = i == 1 ? "om" : "igj";
    EXPECT_EQ(recs[i].outcome, "planned");
    EXPECT_EQ(recs[i].partner, partner);
    EXPECT_EQ(recs[i].product, "product-" + partner);
    EXPECT_EQ(recs[i].delivery_id, "m1/" + partner);
    EXPECT_EQ(recs[i].message_id, "m1");
    EXPECT_EQ(recs[i].case_id, "Z1");
    EXPECT_EQ(recs[i].person, kPerson);
  }

  // The same message-id again: one record, a duplicate, nothing routed.
  trail_.clear();
  auto dup = intake(event("m1", "Z1", {"om", "igj"}));
  ASSERT_TRUE(dup);
  EXPECT_EQ(*dup, IntakeStatus::kDuplicate);
  recs = trail_.records();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].action, "received");
  EXPECT_EQ(recs[0].outcome, "duplicate");
  EXPECT_EQ(recs[0].message_id, "m1");

  // A quarantined event: received (quarantined) and quarantined, with the reason.
  trail_.clear();
  auto q = intake(event("q1", "Z2", {}, true));
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, IntakeStatus::kQuarantined);
  recs = trail_.records();
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"received", "quarantined"}));
  EXPECT_EQ(recs[0].outcome, "quarantined");
  EXPECT_EQ(recs[1].outcome, "quarantined");
  EXPECT_EQ(recs[1].reason, "schema_violation: /event/besluit: missing");
  EXPECT_EQ(recs[1].message_id, "q1");
  EXPECT_EQ(recs[1].case_id, "Z2");
  EXPECT_EQ(recs[1].person, kPerson);
  EXPECT_EQ(recs[1].access_point, kPeer);
}

TEST_P(AuditRecordsTest, ClaimAndResultsRecordEachStepOfTheDelivery) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om", "igj", "ggd", "rb"})));
  trail_.clear();

  // Claim: one "attempt" per claimed delivery.
  auto om = claim("om");
  ASSERT_EQ(om.size(), 1u);
  auto recs = trail_.records();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].action, "attempt");
  EXPECT_EQ(recs[0].outcome, "started");
  EXPECT_EQ(recs[0].channel, "coupling");
  EXPECT_EQ(recs[0].detail, "attempt=1");
  EXPECT_EQ(recs[0].at_ms, clock_.now);
  expectDelivery(recs[0], "m1", "om");

  // Delivered on rest-xml, the product built by this attempt.
  trail_.clear();
  auto res = resultFor(om[0], DeliveryState::kDelivered, "rest-xml");
  res.http_status = 200;
  res.signed_product = "<signed/>";
  res.product_sha256 = "ab12cd34";
  submit(res);
  recs = trail_.records();
  ASSERT_EQ(trail_.actions(),
            (std::vector<std::string>{"mapped", "signed", "transfer", "delivered"}));
  for (const auto& a : recs) {
    expectDelivery(a, "m1", "om");
    EXPECT_EQ(a.at_ms, res.finished_at);
  }
  EXPECT_NE(recs[1].detail.find("sha256=ab12cd34"), std::string::npos) << recs[1].detail;
  EXPECT_EQ(recs[2].outcome, "delivered");
  EXPECT_EQ(recs[2].channel, "rest-xml");
  EXPECT_NE(recs[2].detail.find("attempt=1"), std::string::npos) << recs[2].detail;
  EXPECT_EQ(recs[3].outcome, "delivered");
  EXPECT_EQ(recs[3].channel, "rest-xml");

  // Dead: transfer and dead (no product built: no mapped/signed).
  auto igj = claim("igj");
  ASSERT_EQ(igj.size(), 1u);
  trail_.clear();
  res = resultFor(igj[0], DeliveryState::kDead, "rest-xml");
  res.reason = "no channel left: rest-xml: permanent error: HTTP 400";
  res.reasons = "rest-xml: permanent error: HTTP 400";
  submit(res);
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"transfer", "dead"}));
  auto dead = trail_.byAction("dead")[0];
  expectDelivery(dead, "m1", "igj");
  EXPECT_EQ(dead.reason, "rest-xml: permanent error: HTTP 400");

  // Switched to a fallback channel: "fallback" names the new channel.
  auto ggd = claim("ggd");
  ASSERT_EQ(ggd.size(), 1u);
  trail_.clear();
  res = resultFor(ggd[0], DeliveryState::kFallback, "rest-xml");
  res.channel_index = 1;
  res.next_channel = "securemail";
  res.channel_switched = true;
  res.next_at = clock_.now;
  res.deadline_at = clock_.now + 7'200'000;
  res.reasons = "rest-xml: permanent error: HTTP 400";
  submit(res);
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"transfer", "fallback"}));
  auto fb = trail_.byAction("fallback")[0];
  expectDelivery(fb, "m1", "ggd");
  EXPECT_EQ(fb.channel, "securemail");

  // Delivered by the print channel: "printed", not "delivered".
  auto rb = claim("rb");
  ASSERT_EQ(rb.size(), 1u);
  trail_.clear();
  submit(resultFor(rb[0], DeliveryState::kDelivered, "print"));
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"transfer", "printed"}));
  auto printed = trail_.byAction("printed")[0];
  expectDelivery(printed, "m1", "rb");
  EXPECT_EQ(printed.channel, "print");
  EXPECT_EQ(printed.outcome, "delivered");
}

TEST_P(AuditRecordsTest, OperatorActionsRecordTheActor) {
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitPause("om", true, kAlice, clock_.now, std::move(done)); }));
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitPause("om", false, kAlice, clock_.now, std::move(done)); }));
  auto recs = trail_.records();
  ASSERT_EQ(trail_.actions(), (std::vector<std::string>{"paused", "resumed"}));
  for (const auto& a : recs) {
    EXPECT_EQ(a.user, kAlice.user);
    EXPECT_EQ(a.access_point, kAlice.access_point);
    EXPECT_EQ(a.partner, "om");
    EXPECT_EQ(a.outcome, "changed");
    EXPECT_EQ(a.at_ms, clock_.now);
  }

  // Replay of a dead delivery: "replayed" by the operator, with the delivery's fields.
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  auto om = claim("om");
  ASSERT_EQ(om.size(), 1u);
  submit(resultFor(om[0], DeliveryState::kDead, "rest-xml"));
  trail_.clear();
  auto n = wait<Result<int64_t>>([&](auto done) {
    store_->submitReplay({{"m1/om", clock_.now + 1'800'000}}, clock_.now, kAlice, std::move(done));
  });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  recs = trail_.records();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].action, "replayed");
  EXPECT_EQ(recs[0].user, kAlice.user);
  EXPECT_EQ(recs[0].access_point, kAlice.access_point);
  EXPECT_EQ(recs[0].delivery_id, "m1/om");
  EXPECT_EQ(recs[0].partner, "om");
  EXPECT_EQ(recs[0].message_id, "m1");
  EXPECT_EQ(recs[0].person, kPerson);

  // The delivery is pending again, not dead: a replay does nothing and records nothing.
  trail_.clear();
  auto none = wait<Result<int64_t>>([&](auto done) {
    store_->submitReplay({{"m1/om", clock_.now}, {"unknown", 0}}, clock_.now, kAlice,
                         std::move(done));
  });
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  EXPECT_TRUE(trail_.records().empty());
}

TEST_P(AuditRecordsTest, NothingIsCommittedWhileTheTrailCannotBeWritten) {
  trail_.fail = true;
  auto p = std::make_shared<std::promise<Result<IntakeStatus>>>();
  store_->submitIntake(event("m1", "Z1", {"om", "igj"}),
                       [p](Result<IntakeStatus> r) { p->set_value(std::move(r)); });
  auto f = p->get_future();
  // Not acknowledged: the batch is held and retried.
  EXPECT_EQ(f.wait_for(300ms), std::future_status::timeout);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (store_->writable() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(store_->writable());
  EXPECT_FALSE(trail_.writable());
  EXPECT_FALSE(trail_.lastError().empty());
  EXPECT_GE(trail_.failed(), 1);
  auto ev = store_->event("m1", false);
  ASSERT_TRUE(ev) << ev.error().message;
  EXPECT_FALSE(ev->has_value()) << "the event was committed without its audit records";
  EXPECT_TRUE(trail_.records().empty());

  // The trail recovers: the held batch commits, its records written once.
  trail_.fail = false;
  ASSERT_EQ(f.wait_for(15s), std::future_status::ready);
  auto s = f.get();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(*s, IntakeStatus::kStored);
  EXPECT_TRUE(store_->writable());
  EXPECT_TRUE(trail_.writable());
  EXPECT_TRUE(trail_.lastError().empty());
  EXPECT_EQ(trail_.actions(), (std::vector<std::string>{"received", "routed", "routed"}));
  ev = store_->event("m1", false);
  ASSERT_TRUE(ev);
  EXPECT_TRUE(ev->has_value());
  EXPECT_EQ(claim("om").size(), 1u);
}

TEST_P(AuditRecordsTest, PublishedOutboxMessageIsRecordedAsNotified) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  auto om = claim("om");
  ASSERT_EQ(om.size(), 1u);
  auto res = resultFor(om[0], DeliveryState::kDelivered, "rest-xml");
  res.outbox.push_back({"ketenhub.status", "notification", "{\"state\":\"delivered\"}"});
  submit(res);
  trail_.clear();
  auto box = store_->outbox(10);
  ASSERT_TRUE(box);
  ASSERT_EQ(box->size(), 1u);
  int64_t id = (*box)[0].id;
  clock_.now += 1000;
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitOutboxSent({id}, clock_.now, std::move(done)); }));
  auto recs = trail_.records();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].action, "notified");
  expectDelivery(recs[0], "m1", "om");
  EXPECT_EQ(recs[0].at_ms, clock_.now);
  EXPECT_NE(recs[0].detail.find("kind=notification"), std::string::npos) << recs[0].detail;
  EXPECT_TRUE(store_->outbox(10)->empty());

  // Marked sent again (an at-least-once publisher): no second record.
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitOutboxSent({id}, clock_.now, std::move(done)); }));
  EXPECT_EQ(trail_.records().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditRecordsTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
