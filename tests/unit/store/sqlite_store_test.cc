// Store transitions, on both backends: a real SQLite file in a temp dir, a real PostgreSQL
// database on a private server.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

namespace fs = std::filesystem;
using namespace hub;

namespace {

class FakeClock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 1'000'000;
};

class StoreTest : public ::testing::TestWithParam<hub::testing::StoreBackend> {
 protected:
  void SetUp() override {
    where_.make(GetParam());
    open();
  }
  void TearDown() override {
    store_.reset();
    where_.remove();
  }
  void open() {
    auto s = store::SqlStore::open(where_.options(64), clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }

  static IntakeRecord event(const std::string& msg, const std::string& case_id,
                            std::vector<std::string> partners, int64_t at = 1'000'000) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = case_id;
    r.env.actor = "burgemeester:0344:test";
    r.env.body = "{}";
    r.env.received_at_ms = at;
    r.event_xml = "<event/>";
    for (const auto& p : partners)
      r.deliveries.push_back({msg + "/" + p, p, "product", at + 60'000, 0});
    r.history.push_back("planned");
    return r;
  }

  Result<IntakeStatus> intake(IntakeRecord r) {
    std::promise<Result<IntakeStatus>> p;
    store_->submitIntake(std::move(r), [&](Result<IntakeStatus> s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }
  // Claims up to `limit` due deliveries of the partner; returns their seqs.
  std::vector<int64_t> claim(const std::string& partner, int limit = 1) {
    std::promise<Result<std::vector<DueDelivery>>> p;
    store_->submitClaimDue(partner, clock_.now, limit,
                           [&](Result<std::vector<DueDelivery>> s) { p.set_value(std::move(s)); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r);
    std::vector<int64_t> seqs;
    if (r)
      for (const auto& d : *r) seqs.push_back(d.seq);
    return seqs;
  }
  void result(AttemptResult res) {
    std::promise<Result<void>> p;
    store_->submitResult(res, [&](Result<void> s) { p.set_value(std::move(s)); });
    EXPECT_TRUE(p.get_future().get());
  }
  std::vector<DueDelivery> due(const std::string& partner, int limit = 100) {
    auto r = store_->due(partner, clock_.now, limit);
    EXPECT_TRUE(r);
    return r ? *r : std::vector<DueDelivery>{};
  }

  hub::testing::StoreLocation where_;
  FakeClock clock_;
  std::unique_ptr<store::SqlStore> store_;
};

TEST_P(StoreTest, StoresEventAndPlansDeliveries) {
  auto r = intake(event("m1", "Z1", {"om", "igj"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, IntakeStatus::kStored);
  auto d = due("om");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].delivery_id, "m1/om");
  EXPECT_EQ(d[0].message_id, "m1");
  EXPECT_TRUE(d[0].body.empty());  // a claim does not carry the body ...
  EXPECT_EQ(store_->eventBody(d[0].seq).value_or("?"), "{}");  // ... the worker loads it
  EXPECT_TRUE(d[0].event_xml.empty());  // ... and not its XML form a second time
  EXPECT_EQ(d[0].attempts, 0);
  EXPECT_EQ(due("igj").size(), 1u);
}

TEST_P(StoreTest, DuplicateMessageIdIsCountedNotPlannedAgain) {
  ASSERT_EQ(*intake(event("m1", "Z1", {"om"})), IntakeStatus::kStored);
  ASSERT_EQ(*intake(event("m1", "Z1", {"om"})), IntakeStatus::kDuplicate);
  EXPECT_EQ(due("om").size(), 1u);
}

TEST_P(StoreTest, QuarantinedEventHasNoDeliveries) {
  auto rec = event("bad", "Z1", {});
  rec.quarantined = true;
  rec.reason = "not_json: body: line 1";
  EXPECT_EQ(*intake(rec), IntakeStatus::kQuarantined);
  EXPECT_TRUE(due("om").empty());
}

TEST_P(StoreTest, ClaimMovesToInFlightOnce) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  auto d = due("om");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(claim("om"), std::vector<int64_t>{d[0].seq});
  EXPECT_TRUE(claim("om").empty());  // already in flight
  EXPECT_TRUE(due("om").empty());
}

TEST_P(StoreTest, RetryWaitBecomesDueAtNextAt) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  auto d = due("om");
  ASSERT_EQ(claim("om"), std::vector<int64_t>{d[0].seq});
  AttemptResult res;
  res.seq = d[0].seq;
  res.attempt = 1;
  res.started_at = res.finished_at = clock_.now;
  res.outcome = "transient_error";
  res.http_status = 503;
  res.reason = "HTTP 503";
  res.new_state = DeliveryState::kRetryWait;
  res.next_at = clock_.now + 2000;
  res.channel = "rest-xml";
  result(res);
  EXPECT_TRUE(due("om").empty());
  auto next = store_->nextDueAt();
  ASSERT_TRUE(next && next->has_value());
  EXPECT_EQ(**next, clock_.now + 2000);
  clock_.now += 2000;
  auto again = due("om");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
}

TEST_P(StoreTest, SameCaseWaitsForEarlierDeliveryOtherCasesDoNot) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  ASSERT_TRUE(intake(event("m2", "Z1", {"om"})));  // later event, same case
  ASSERT_TRUE(intake(event("m3", "Z2", {"om"})));  // other case
  auto d = due("om");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message_id, "m1");
  EXPECT_EQ(d[1].message_id, "m3");
  ASSERT_EQ(claim("om"), std::vector<int64_t>{d[0].seq});
  // m1 in flight: m2 still waits.
  for (const auto& x : due("om")) EXPECT_NE(x.message_id, "m2");
  AttemptResult res;
  res.seq = d[0].seq;
  res.attempt = 1;
  res.outcome = "delivered";
  res.new_state = DeliveryState::kDelivered;
  res.channel = "rest-xml";
  result(res);
  bool m2 = false;
  for (const auto& x : due("om")) m2 |= x.message_id == "m2";
  EXPECT_TRUE(m2);
}

// The scheduler frees a partner's slot as soon as a result is queued, not committed: a claim
// submitted right after a result must be applied after it and see its state.
TEST_P(StoreTest, ClaimSubmittedAfterAResultSeesThatResult) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  ASSERT_TRUE(intake(event("m2", "Z1", {"om"})));  // same case: waits for m1
  auto first = claim("om");
  ASSERT_EQ(first.size(), 1u);
  AttemptResult res;
  res.seq = first[0];
  res.attempt = 1;
  res.outcome = "delivered";
  res.new_state = DeliveryState::kDelivered;
  res.channel = "rest-xml";
  std::promise<Result<void>> committed;
  std::promise<Result<std::vector<DueDelivery>>> claimed;
  store_->submitResult(res, [&](Result<void> r) { committed.set_value(std::move(r)); });
  store_->submitClaimDue("om", clock_.now, 10, [&](Result<std::vector<DueDelivery>> r) {
    claimed.set_value(std::move(r));
  });
  auto c = claimed.get_future().get();
  EXPECT_TRUE(committed.get_future().get());
  ASSERT_TRUE(c);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].message_id, "m2");
}

TEST_P(StoreTest, ClaimDueSelectsAndClaimsInOneCommit) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  ASSERT_TRUE(intake(event("m2", "Z1", {"om"})));  // same case: must wait for m1
  ASSERT_TRUE(intake(event("m3", "Z2", {"om"})));
  std::promise<Result<std::vector<DueDelivery>>> p;
  store_->submitClaimDue("om", clock_.now, 10,
                         [&](Result<std::vector<DueDelivery>> r) { p.set_value(std::move(r)); });
  auto r = p.get_future().get();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].message_id, "m1");
  EXPECT_EQ((*r)[1].message_id, "m3");
  EXPECT_TRUE(due("om").empty());  // claimed: in flight, and m2 still waits behind m1
}

TEST_P(StoreTest, RecoverInFlightAfterRestart) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  auto d = due("om");
  ASSERT_EQ(claim("om"), std::vector<int64_t>{d[0].seq});
  store_.reset();  // "crash" after the claim commit
  open();
  auto n = store_->recoverInFlight();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  auto again = due("om");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
}

TEST_P(StoreTest, OverdueClaimTakesOnlyWhatPassedItsDeadlineWithoutCountingAnAttempt) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  std::promise<Result<std::vector<DueDelivery>>> early, late;
  store_->submitClaimOverdue("om", clock_.now, 10, [&](Result<std::vector<DueDelivery>> r) {
    early.set_value(std::move(r));
  });
  auto e = early.get_future().get();
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->empty());
  store_->submitClaimOverdue(
      "om", clock_.now + 60'000, 10,
      [&](Result<std::vector<DueDelivery>> r) { late.set_value(std::move(r)); });
  auto l = late.get_future().get();
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].attempts, 0);
  EXPECT_TRUE(due("om").empty());  // in_flight now
}

TEST_P(StoreTest, FallbackSwitchKeepsTheSignedProductAndUnblocksTheCase) {
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  ASSERT_TRUE(intake(event("m2", "Z1", {"om"})));
  auto waiting = due("om");
  ASSERT_EQ(waiting.size(), 1u);  // the second waits for the first (same case)
  EXPECT_TRUE(waiting[0].signed_product.empty());
  auto first = claim("om", 1);
  ASSERT_EQ(first.size(), 1u);
  AttemptResult res;
  res.seq = first[0];
  res.attempt = 1;
  res.started_at = res.finished_at = clock_.now;
  res.outcome = "permanent_error";
  res.new_state = DeliveryState::kFallback;
  res.next_at = clock_.now;
  res.channel = "rest-xml";
  res.channel_index = 1;
  res.next_channel = "securemail";
  res.channel_switched = true;
  res.deadline_at = clock_.now + 7'200'000;
  res.reasons = "rest-xml: permanent error: HTTP 400";
  res.signed_product = "<signed/>";
  res.product_sha256 = "abc";
  res.outbox.push_back({"ketenhub.status", "notification", "{}"});
  result(res);
  // The case is no longer held up by a delivery that fell back.
  auto second = claim("om", 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0], first[0]);
  std::promise<Result<std::vector<DueDelivery>>> fb;
  store_->submitClaimFallback(
      "securemail", clock_.now, 10,
      [&](Result<std::vector<DueDelivery>> r) { fb.set_value(std::move(r)); });
  auto f = fb.get_future().get();
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].channel, "securemail");
  EXPECT_EQ((*f)[0].channel_index, 1);
  EXPECT_EQ((*f)[0].channel_attempts, 0);  // restarted at the switch (attempts before this one)
  EXPECT_EQ((*f)[0].signed_product, "<signed/>");
  EXPECT_EQ((*f)[0].product_sha256, "abc");
  EXPECT_EQ((*f)[0].reasons, "rest-xml: permanent error: HTTP 400");
  auto box = store_->outbox(10);
  ASSERT_TRUE(box);
  ASSERT_EQ(box->size(), 1u);
  std::promise<Result<void>> sent;
  store_->submitOutboxSent({(*box)[0].id}, clock_.now,
                           [&](Result<void> r) { sent.set_value(std::move(r)); });
  ASSERT_TRUE(sent.get_future().get());
  EXPECT_TRUE(store_->outbox(10)->empty());
  // A crash while on a fallback channel returns the delivery to that channel, not to pending.
  store_.reset();
  open();
  auto n = store_->recoverInFlight();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  std::promise<Result<std::vector<DueDelivery>>> again;
  store_->submitClaimFallback(
      "securemail", clock_.now, 10,
      [&](Result<std::vector<DueDelivery>> r) { again.set_value(std::move(r)); });
  auto a = again.get_future().get();
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].channel_attempts, 1);  // the interrupted attempt counts
}

TEST_P(StoreTest, GroupCommitsConcurrentSubmissions) {
  constexpr int kN = 2000;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, stored = 0;
  for (int i = 0; i < kN; ++i) {
    store_->submitIntake(event("m" + std::to_string(i), "Z" + std::to_string(i), {"om"}),
                         [&](Result<IntakeStatus> r) {
                           std::lock_guard<std::mutex> lock(mu);
                           ++done;
                           stored += r && *r == IntakeStatus::kStored;
                           cv.notify_all();
                         });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done == kN; });
  EXPECT_EQ(stored, kN);
  EXPECT_TRUE(store_->writable());
  EXPECT_EQ(due("om", 5000).size(), static_cast<size_t>(kN));
}

// Producers wake the writer only when the queue was empty or just became full (sql_store.cc).
// An operation reaching an idle writer, and bursts from several threads with pauses shorter and
// longer than the writer's linger (it is busy, lingering or asleep), all end committed: a lost
// wake-up would leave an operation waiting for the next one.
TEST_P(StoreTest, EveryOperationWakesAnIdleWriterAndBurstsAreAllCommitted) {
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, stored = 0;
  auto submit = [&](const std::string& id) {
    store_->submitIntake(event("b" + id, "B" + id, {"om"}), [&](Result<IntakeStatus> r) {
      std::lock_guard<std::mutex> lock(mu);
      ++done;
      stored += r && *r == IntakeStatus::kStored;
      cv.notify_all();
    });
  };
  auto committed = [&](int n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return done == n; });
  };
  for (int i = 0; i < 10; ++i) {  // one at a time, each to a writer that went idle
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    submit("idle-" + std::to_string(i));
    ASSERT_TRUE(committed(i + 1)) << "operation " << i << " to an idle writer not committed";
  }
  constexpr int kThreads = 4, kPerThread = 300, kTotal = 10 + kThreads * kPerThread;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        submit(std::to_string(t) + "-" + std::to_string(i));
        if (i % 7 == 6) std::this_thread::sleep_for(std::chrono::microseconds(300 * (i % 11)));
        if (i % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  for (auto& p : producers) p.join();
  ASSERT_TRUE(committed(kTotal)) << done << " of " << kTotal << " committed";
  EXPECT_EQ(stored, kTotal);
}

// When the store cannot commit (here: its size cap, as with a full disk), nothing is acknowledged,
// writable() turns false (intake stops granting credit), and the batch is held, not dropped.
TEST(StoreFull, HoldsTheBatchAndReportsNotWritable) {
  FakeClock clock;
  fs::path dir = fs::temp_directory_path() / ("ketenhub-store-full-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto s = store::SqlStore::open({(dir / "hub.db").string(), 64, 1}, clock);  // 1 MiB
  ASSERT_TRUE(s) << s.error().message;
  std::mutex mu;
  std::condition_variable cv;
  int ok = 0, failed = 0;
  std::string big(200 * 1024, 'x');
  for (int i = 0; i < 20; ++i) {  // 20 x 200 KiB: far past 1 MiB
    IntakeRecord r;
    r.env.message_id = "m" + std::to_string(i);
    r.env.received_at_ms = 1;
    r.env.body = big;
    r.event_xml = "<event/>";
    (*s)->submitIntake(std::move(r), [&](Result<IntakeStatus> st) {
      std::lock_guard<std::mutex> lock(mu);
      (st ? ok : failed)++;
      cv.notify_all();
    });
  }
  for (int i = 0; i < 100 && (*s)->writable(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE((*s)->writable());
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(failed, 0);  // held, not failed, while the store retries
    EXPECT_LT(ok, 20);
  }
  (*s)->stop();  // what could not be committed is reported as not committed, never as stored
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(ok + failed, 20);
  EXPECT_GT(failed, 0);
  s->reset();
  fs::remove_all(dir);
}

// The cluster view of one instance on its own store (no leases): itself alone, alive, its
// heartbeat now, every in-flight delivery its own; nothing is written to `instances` for it.
TEST_P(StoreTest, OneInstanceWithoutLeasesSeesItselfInTheClusterView) {
  store_.reset();
  auto o = where_.options(64);
  o.instance_id = "host-a/1";
  o.host = "host-a";
  o.version = "9.8.7";
  auto s = store::SqlStore::open(o, clock_);
  ASSERT_TRUE(s) << s.error().message;
  store_ = std::move(*s);
  ASSERT_TRUE(intake(event("m1", "Z1", {"om"})));
  ASSERT_TRUE(intake(event("m2", "Z2", {"om"})));
  ASSERT_EQ(claim("om", 10).size(), 2u);
  clock_.now += 60'000;
  auto v = store_->instances(clock_.now);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->self, "host-a/1");
  EXPECT_EQ(v->lease_ms, 0);
  ASSERT_EQ(v->instances.size(), 1u);
  const auto& me = v->instances[0];
  EXPECT_EQ(me.id, "host-a/1");
  EXPECT_EQ(me.host, "host-a");
  EXPECT_EQ(me.version, "9.8.7");
  EXPECT_EQ(me.started_at, 1'000'000);
  EXPECT_EQ(me.heartbeat_at, clock_.now);
  EXPECT_EQ(me.heartbeat_age_ms, 0);
  EXPECT_TRUE(me.alive);
  EXPECT_TRUE(me.self);
  EXPECT_EQ(me.in_flight, 2);
  auto db = where_.openDb(true);
  ASSERT_TRUE(db);
  auto q = db->prepare("SELECT COUNT(*) FROM instances");
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->int64(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(hub::testing::StoreBackend::kSqlite,
                                           hub::testing::StoreBackend::kPostgres),
                         hub::testing::backendName);

}  // namespace
