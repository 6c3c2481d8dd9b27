// Payload retention, on both backends (a real SQLite file, a real PostgreSQL database): which
// bodies, products and outbox messages a purge removes and which it keeps (a delivery not final
// yet, a young one, an unpublished message), the bodies of a quarantined event's proposals going
// with the event's, one audit record per purge, bounded batches, replays refused once the payload
// is gone, and a failing purge that is reported without holding up the rest of the store.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>

#include "hub/store/sql_db.h"
#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;

namespace {

constexpr int64_t kDay = 86'400'000;
const Actor kAlice{"operator:alice", "127.0.0.1:40000", ""};

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 1'000 * kDay;
};

class Trail : public AuditTrail {
 public:
  Result<void> append(const std::vector<AuditRecord>& records) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.insert(records_.end(), records.begin(), records.end());
    return {};
  }
  bool writable() const override { return true; }
  std::string lastError() const override { return ""; }
  std::vector<AuditRecord> byAction(const std::string& action) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<AuditRecord> out;
    for (const auto& r : records_)
      if (r.action == action) out.push_back(r);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<AuditRecord> records_;
};

template <class T>
T wait(std::function<void(std::function<void(T)>)> submit) {
  auto p = std::make_shared<std::promise<T>>();
  submit([p](T r) { p->set_value(std::move(r)); });
  return p->get_future().get();
}

class RetentionTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
 protected:
  void SetUp() override {
    where_.make(GetParam());
    store::SqlStore::Options opts = where_.options(64);
    opts.audit = &trail_;
    auto s = store::SqlStore::open(opts, clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto db = where_.openDb(false);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::make_unique<store::Db>(std::move(*db));
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    where_.remove();
  }

  IntakeRecord event(const std::string& msg, std::vector<std::string> partners,
                     bool quarantined = false) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = "Z-" + msg;
    r.env.actor = "burgemeester:0344:test";
    r.env.body = "{\"zaaknummer\":\"Z-" + msg + "\",\"bsn\":\"999990019\"}";
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
    ASSERT_TRUE(s) << s.error().message;
  }
  DueDelivery claimOne(const std::string& partner) {
    auto r = wait<Result<std::vector<DueDelivery>>>(
        [&](auto done) { store_->submitClaimDue(partner, clock_.now, 1, std::move(done)); });
    EXPECT_TRUE(r && r->size() == 1u);
    return r && !r->empty() ? (*r)[0] : DueDelivery{};
  }
  // Claims the partner's next delivery and ends it in `state` now, with a stored signed product
  // and, when given, an outbox message.
  void finish(const std::string& partner, DeliveryState state, bool outbox = false) {
    auto d = claimOne(partner);
    AttemptResult res;
    res.seq = d.seq;
    res.attempt = 1;
    res.started_at = res.finished_at = clock_.now;
    res.outcome = state == DeliveryState::kDelivered ? "delivered" : "permanent_error";
    res.new_state = state;
    res.channel = "rest-xml";
    res.signed_product = "<signed>" + d.delivery_id + "</signed>";
    res.product_sha256 = "ab12";
    if (outbox) res.outbox.push_back({"ketenhub.status", "notification", "{\"state\":\"x\"}"});
    auto r = wait<Result<void>>([&](auto done) { store_->submitResult(res, std::move(done)); });
    ASSERT_TRUE(r) << r.error().message;
  }
  Result<PurgeCounts> purge(int64_t before_ms, int limit = 500) {
    return wait<Result<PurgeCounts>>([&](auto done) {
      store_->submitPurgePayloads(before_ms, clock_.now, limit, std::move(done));
    });
  }
  int64_t count(const std::string& sql) {
    auto s = db_->prepare(sql);
    EXPECT_TRUE(s) << s.error().message;
    if (!s) return -1;
    auto row = s->step();
    EXPECT_TRUE(row && *row);
    return s->int64(0);
  }
  std::string body(const std::string& msg) {
    auto e = store_->event(msg, true);
    EXPECT_TRUE(e && *e);
    return e && *e ? (*e)->body : "?";
  }
  int64_t purgedAt(const std::string& msg) {
    auto e = store_->event(msg, false);
    EXPECT_TRUE(e && *e);
    return e && *e ? (*e)->payload_purged_at : -1;
  }
  int64_t products() { return count("SELECT COUNT(*) FROM products"); }
  // Makes every DELETE on the outbox fail with "injected failure" (a trigger: each backend has
  // its own syntax for one), and takes that away again.
  Result<void> failOutboxDeletes() {
    if (db_->dialect() == store::Dialect::kSqlite)
      return db_->exec(
          "CREATE TRIGGER no_delete BEFORE DELETE ON outbox BEGIN "
          "SELECT RAISE(ABORT, 'injected failure'); END");
    return db_->exec(
        "CREATE FUNCTION no_delete() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN RAISE EXCEPTION 'injected failure'; END$$; "
        "CREATE TRIGGER no_delete BEFORE DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION "
        "no_delete()");
  }
  Result<void> allowOutboxDeletes() {
    if (db_->dialect() == store::Dialect::kSqlite) return db_->exec("DROP TRIGGER no_delete");
    return db_->exec("DROP TRIGGER no_delete ON outbox; DROP FUNCTION no_delete()");
  }

  hub::testing::StoreLocation where_;
  Clock clock_;
  Trail trail_;
  std::unique_ptr<store::SqlStore> store_;
  std::unique_ptr<store::Db> db_;  // a second connection, to look at the tables
};

TEST_P(RetentionTest, PurgesTheBodyAndProductsOfAnEventWhoseDeliveriesAreAllFinalAndOld) {
  intake(event("m1", {"om", "igj"}));
  int64_t final_at = clock_.now;
  finish("om", DeliveryState::kDelivered);
  finish("igj", DeliveryState::kDead);
  ASSERT_EQ(products(), 2);
  int64_t seq = store_->delivery("m1/om")->value().delivery.seq;

  // Young: the newest final state is not older than the cut-off.
  auto young = purge(final_at);
  ASSERT_TRUE(young) << young.error().message;
  EXPECT_EQ(young->events + young->products + young->outbox + young->proposals, 0);
  EXPECT_FALSE(body("m1").empty());
  EXPECT_TRUE(trail_.byAction("payload_purged").empty()) << "no record for a purge of nothing";

  clock_.now += 31 * kDay;
  auto old = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(old->events, 1);
  EXPECT_EQ(old->products, 2);
  EXPECT_FALSE(old->more);
  EXPECT_TRUE(body("m1").empty());
  EXPECT_EQ(purgedAt("m1"), clock_.now);
  EXPECT_EQ(products(), 0);
  // Ids, states, hashes and reasons stay.
  auto d = store_->delivery("m1/igj");
  ASSERT_TRUE(d && *d);
  EXPECT_EQ((*d)->delivery.state, "dead");
  EXPECT_EQ((*d)->delivery.product_sha256, "ab12");
  EXPECT_EQ((*d)->delivery.payload_purged_at, clock_.now);
  EXPECT_EQ((*d)->event.message_id, "m1");
  EXPECT_EQ((*d)->event.case_id, "Z-m1");
  EXPECT_EQ((*d)->event.payload_purged_at, clock_.now);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE event_xml IS NOT NULL OR body IS NOT NULL"),
            0);
  // A worker never gets an empty body in its place.
  auto b = store_->eventBody(seq);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("purged by retention"), std::string::npos);

  // A second run finds nothing more.
  auto again = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->events + again->products, 0);
  EXPECT_EQ(trail_.byAction("payload_purged").size(), 1u);
}

TEST_P(RetentionTest, KeepsTheBodyWhileADeliveryIsNotFinal) {
  intake(event("m1", {"om", "igj"}));
  finish("om", DeliveryState::kDelivered);  // igj stays pending
  intake(event("m2", {"om", "igj"}));
  finish("om", DeliveryState::kDead);  // the dead one's product stays with the body
  clock_.now += 100 * kDay;
  auto r = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events, 0);
  EXPECT_FALSE(body("m1").empty());
  EXPECT_FALSE(body("m2").empty());
  EXPECT_EQ(purgedAt("m1"), 0);
  // The delivered one's product goes (a delivered delivery is never sent again); the dead one's
  // stays for a replay with the same signed bytes.
  EXPECT_EQ(r->products, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM products p JOIN deliveries d ON d.seq=p.delivery_seq "
                  "WHERE d.delivery_id='m2/om'"),
            1);
}

TEST_P(RetentionTest, AnEventWithoutDeliveriesGoesByItsReceipt) {
  IntakeRecord r = event("m1", {});
  r.history.push_back("not planned om/product: condition /x equals y did not hold");
  intake(std::move(r));
  auto young = purge(clock_.now);
  ASSERT_TRUE(young);
  EXPECT_EQ(young->events, 0);
  auto old = purge(clock_.now + 1);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->events, 1);
  EXPECT_TRUE(body("m1").empty());
}

TEST_P(RetentionTest, PurgesPublishedOutboxMessagesAndKeepsUnpublishedOnes) {
  intake(event("m1", {"om", "igj"}));
  finish("om", DeliveryState::kDelivered, true);
  finish("igj", DeliveryState::kDead, true);
  auto box = store_->outbox(10);
  ASSERT_TRUE(box);
  ASSERT_EQ(box->size(), 2u);
  int64_t sent_at = clock_.now + 1'000;
  auto sent = wait<Result<void>>(
      [&](auto done) { store_->submitOutboxSent({(*box)[0].id}, sent_at, std::move(done)); });
  ASSERT_TRUE(sent);
  auto young = purge(sent_at);
  ASSERT_TRUE(young);
  EXPECT_EQ(young->outbox, 0);
  clock_.now += 400 * kDay;  // however old, an unpublished message waits for the broker
  auto r = purge(sent_at + 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outbox, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
  auto left = store_->outbox(10);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, (*box)[1].id);
}

TEST_P(RetentionTest, AQuarantinedEventKeepsItsBodyForItsProposalsThenBothGo) {
  intake(event("q1", {}, true));
  int64_t received = clock_.now;
  clock_.now += 20 * kDay;
  Proposal p;
  p.message_id = "q1";
  p.corrected = "{\"zaaknummer\":\"Z-q1\",\"besluit\":{}}";
  p.proposed_by = "operator:alice";
  p.proposed_at = clock_.now;
  auto id =
      wait<Result<int64_t>>([&](auto done) { store_->submitPropose(p, kAlice, std::move(done)); });
  ASSERT_TRUE(id) << id.error().message;

  // Past its receipt, but a proposal is younger than the cut-off: the operators still need it.
  auto held = purge(received + 10 * kDay);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->events, 0);
  EXPECT_FALSE(body("q1").empty());

  clock_.now += 40 * kDay;
  auto r = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events, 1);
  EXPECT_EQ(r->proposals, 1);
  EXPECT_TRUE(body("q1").empty());
  auto list = store_->proposals("q1");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].original.empty());
  EXPECT_TRUE((*list)[0].corrected.empty());
  EXPECT_EQ((*list)[0].purged_at, clock_.now);
  EXPECT_EQ((*list)[0].proposed_by, "operator:alice");
  auto e = store_->event("q1", false);
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->state, "quarantined");
  EXPECT_EQ((*e)->reason, "schema_violation: /event/besluit: missing");

  // Nothing left to correct or replay: refused, not failed.
  auto again =
      wait<Result<int64_t>>([&](auto done) { store_->submitPropose(p, kAlice, std::move(done)); });
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("purged by retention"), std::string::npos);
  IntakeRecord replay = event("q1", {"om"});
  auto st = wait<Result<IntakeStatus>>(
      [&](auto done) { store_->submitReplayEvent(std::move(replay), kAlice, std::move(done)); });
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("purged by retention"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM deliveries"), 0);
}

TEST_P(RetentionTest, OneAuditRecordPerPurgeWithTheCountsAndNoPersonalData) {
  intake(event("m1", {"om"}));
  finish("om", DeliveryState::kDelivered, true);
  auto box = store_->outbox(10);
  ASSERT_TRUE(box && box->size() == 1u);
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitOutboxSent({(*box)[0].id}, clock_.now, std::move(done)); }));
  intake(event("q1", {}, true));
  clock_.now += 31 * kDay;
  auto r = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(r) << r.error().message;
  auto recs = trail_.byAction("payload_purged");
  ASSERT_EQ(recs.size(), 1u);
  const auto& a = recs[0];
  EXPECT_EQ(a.outcome, "purged");
  EXPECT_EQ(a.at_ms, clock_.now);
  EXPECT_EQ(a.reason, "retention.payload_days");
  EXPECT_EQ(a.detail.rfind("events=2;proposals=0;products=1;outbox=1;before=", 0), 0u) << a.detail;
  EXPECT_TRUE(a.message_id.empty() && a.case_id.empty() && a.person.empty());
  EXPECT_EQ(a.detail.find("999990019"), std::string::npos);
}

TEST_P(RetentionTest, PurgesInBoundedBatches) {
  for (const char* m : {"m1", "m2", "m3"}) intake(event(m, {}));
  clock_.now += kDay;
  auto first = purge(clock_.now, 2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->events, 2);
  EXPECT_TRUE(first->more);
  auto second = purge(clock_.now, 2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->events, 1);
  EXPECT_FALSE(second->more);
  EXPECT_EQ(trail_.byAction("payload_purged").size(), 2u) << "one record per batch committed";
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE payload_purged_at IS NULL"), 0);
}

TEST_P(RetentionTest, ADeadDeliveryWhosePayloadWasPurgedIsNotReplayed) {
  intake(event("m1", {"om"}));
  finish("om", DeliveryState::kDead);
  clock_.now += 31 * kDay;
  ASSERT_TRUE(purge(clock_.now - 30 * kDay));
  auto n = wait<Result<int64_t>>([&](auto done) {
    store_->submitReplay({{"m1/om", clock_.now + 60'000, clock_.now}}, clock_.now, kAlice,
                         std::move(done));
  });
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(store_->delivery("m1/om")->value().delivery.state, "dead");
  EXPECT_TRUE(trail_.byAction("replayed").empty());
}

TEST_P(RetentionTest, AFailingPurgeIsReportedRolledBackAndHoldsUpNothingElse) {
  intake(event("m1", {"om"}));
  finish("om", DeliveryState::kDelivered, true);
  auto box = store_->outbox(10);
  ASSERT_TRUE(box && box->size() == 1u);
  ASSERT_TRUE(wait<Result<void>>(
      [&](auto done) { store_->submitOutboxSent({(*box)[0].id}, clock_.now, std::move(done)); }));
  // The last step of the purge fails: what it did before (the body, the product) is undone.
  ASSERT_TRUE(failOutboxDeletes());
  clock_.now += 31 * kDay;
  // Submitted together: they may share a group commit.
  auto p1 = std::make_shared<std::promise<Result<IntakeStatus>>>();
  auto p2 = std::make_shared<std::promise<Result<PurgeCounts>>>();
  auto p3 = std::make_shared<std::promise<Result<IntakeStatus>>>();
  store_->submitIntake(event("m2", {"om"}), [p1](auto r) { p1->set_value(std::move(r)); });
  store_->submitPurgePayloads(clock_.now - 30 * kDay, clock_.now, 500,
                              [p2](auto r) { p2->set_value(std::move(r)); });
  store_->submitIntake(event("m3", {"om"}), [p3](auto r) { p3->set_value(std::move(r)); });
  auto failed = p2->get_future().get();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("injected failure"), std::string::npos);
  EXPECT_TRUE(p1->get_future().get());
  EXPECT_TRUE(p3->get_future().get());
  EXPECT_TRUE(store_->writable());
  EXPECT_FALSE(body("m1").empty());
  EXPECT_EQ(purgedAt("m1"), 0);
  EXPECT_EQ(products(), 1);
  EXPECT_FALSE(body("m2").empty());
  EXPECT_FALSE(body("m3").empty());
  EXPECT_TRUE(trail_.byAction("payload_purged").empty());

  // The next run, once the cause is gone, purges.
  ASSERT_TRUE(allowOutboxDeletes());
  auto r = purge(clock_.now - 30 * kDay);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events, 1);
  EXPECT_EQ(r->outbox, 1);
  EXPECT_TRUE(body("m1").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
