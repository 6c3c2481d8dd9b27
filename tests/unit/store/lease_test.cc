// Leases: two store instances (two hub processes' stores) on one PostgreSQL database. A claim is
// the claiming instance's until its lease ends; renewing keeps it; once it ends another instance
// takes it over (the interrupted attempt recorded) and the late result of the first is recorded
// as an attempt only; an instance never takes over its own; one case's later delivery is not
// claimed while an earlier one is in flight on another instance.
#include <gtest/gtest.h>

#include <future>

#include "hub/store/sql_store.h"
#include "tests/unit/store/store_backend.h"

using namespace hub;

namespace {

class Clock : public TimeSource {
 public:
  int64_t nowMs() const override { return now; }
  int64_t now = 1'000'000;
};

template <class T>
T wait(std::function<void(std::function<void(T)>)> submit) {
  auto p = std::make_shared<std::promise<T>>();
  submit([p](T r) { p->set_value(std::move(r)); });
  return p->get_future().get();
}

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    where_.make(hub::testing::StoreBackend::kPostgres);
    a_ = open("host-a/1");
    b_ = open("host-b/2");
  }
  void TearDown() override {
    a_.reset();
    b_.reset();
    where_.remove();
  }
  std::unique_ptr<store::SqlStore> open(const std::string& id) {
    auto o = where_.options(64);
    o.instance_id = id;
    o.lease_ms = 1000;
    o.host = id.substr(0, id.find('/'));
    o.version = "9.8.7";
    auto s = store::SqlStore::open(o, clock_);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  void intake(store::SqlStore& s, const std::string& msg, const std::string& case_id) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = case_id;
    r.env.body = "{}";
    r.env.received_at_ms = clock_.now;
    r.deliveries.push_back({msg + "/om", "om", "product", clock_.now + 600'000, 0});
    auto st = wait<Result<IntakeStatus>>(
        [&](auto done) { s.submitIntake(std::move(r), std::move(done)); });
    ASSERT_TRUE(st) << st.error().message;
  }
  std::vector<DueDelivery> claim(store::SqlStore& s, int limit = 10) {
    auto r = wait<Result<std::vector<DueDelivery>>>(
        [&](auto done) { s.submitClaimDue("om", clock_.now, limit, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<DueDelivery>{};
  }
  int64_t takeOver(store::SqlStore& s) {
    auto r = wait<Result<int64_t>>(
        [&](auto done) { s.submitTakeOverExpired(clock_.now, 100, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : -1;
  }
  int64_t renew(store::SqlStore& s) {
    auto r =
        wait<Result<int64_t>>([&](auto done) { s.submitRenewLeases(clock_.now, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : -1;
  }
  Result<void> delivered(store::SqlStore& s, const DueDelivery& d) {
    AttemptResult res;
    res.seq = d.seq;
    res.attempt = d.attempts + 1;
    res.started_at = res.finished_at = clock_.now;
    res.outcome = "delivered";
    res.new_state = DeliveryState::kDelivered;
    res.channel = "rest-xml";
    return wait<Result<void>>([&](auto done) { s.submitResult(res, std::move(done)); });
  }
  void circuit(store::SqlStore& s, const std::string& state, int64_t until) {
    auto r = wait<Result<void>>(
        [&](auto done) { s.submitCircuit("om", state, until, clock_.now, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
  }
  std::map<std::string, int64_t> held(store::SqlStore& s) {
    auto r = s.heldCircuits(clock_.now);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::map<std::string, int64_t>{};
  }
  ClusterView view(store::SqlStore& s) {
    auto v = s.instances(clock_.now);
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : ClusterView{};
  }
  std::string state(const std::string& delivery_id) {
    auto d = a_->delivery(delivery_id);
    EXPECT_TRUE(d && *d);
    return d && *d ? (*d)->delivery.state : "";
  }

  hub::testing::StoreLocation where_;
  Clock clock_;
  std::unique_ptr<store::SqlStore> a_, b_;
};

TEST_F(LeaseTest, AnExpiredLeaseIsTakenOverAndTheLateResultOnlyRecorded) {
  intake(*a_, "m1", "CM-0344-2026-000001");
  auto claimed = claim(*a_);
  ASSERT_EQ(claimed.size(), 1u);
  clock_.now += 500;
  EXPECT_EQ(takeOver(*b_), 0);  // still A's
  clock_.now += 1000;
  EXPECT_EQ(takeOver(*a_), 0);  // never its own: its workers hold it
  EXPECT_EQ(takeOver(*b_), 1);
  EXPECT_EQ(state("m1/om"), "pending");
  auto detail = a_->delivery("m1/om");
  ASSERT_TRUE(detail && *detail);
  ASSERT_EQ((*detail)->attempts.size(), 1u);
  EXPECT_EQ((*detail)->attempts[0].outcome, "interrupted");
  // B claims it and has it in flight; A's late result does not change B's state.
  auto again = claim(*b_);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(delivered(*a_, claimed[0]));
  EXPECT_EQ(state("m1/om"), "in_flight");
  detail = a_->delivery("m1/om");
  EXPECT_EQ((*detail)->attempts[0].outcome, "delivered");  // what A's attempt did
  ASSERT_TRUE(delivered(*b_, again[0]));
  EXPECT_EQ(state("m1/om"), "delivered");
}

TEST_F(LeaseTest, RenewingKeepsTheLease) {
  intake(*a_, "m1", "CM-0344-2026-000001");
  ASSERT_EQ(claim(*a_).size(), 1u);
  for (int i = 0; i < 5; ++i) {
    clock_.now += 600;
    EXPECT_EQ(renew(*a_), 1);
    EXPECT_EQ(takeOver(*b_), 0);
  }
  EXPECT_EQ(state("m1/om"), "in_flight");
}

TEST_F(LeaseTest, ACaseWaitsForItsDeliveryInFlightOnAnotherInstance) {
  intake(*a_, "m1", "CM-0344-2026-000001");
  intake(*b_, "m2", "CM-0344-2026-000001");
  intake(*b_, "m3", "CM-0344-2026-000002");
  auto on_a = claim(*a_);
  ASSERT_EQ(on_a.size(), 2u);  // m1 and m3 (m2 waits for m1)
  ASSERT_TRUE(delivered(*a_, on_a[0]));
  auto on_b = claim(*b_);
  ASSERT_EQ(on_b.size(), 1u);
  EXPECT_EQ(on_b[0].delivery_id, "m2/om");
}

// The partner's cap (3) holds for both instances together: what one has in flight leaves the
// other less room, each asking for its own free slots; a result frees the slot for either.
TEST_F(LeaseTest, ThePartnersCapHoldsOverBothInstances) {
  a_->setCouplingCaps({{"om", 3}});
  b_->setCouplingCaps({{"om", 3}});
  for (int i = 1; i <= 8; ++i)
    intake(*a_, "m" + std::to_string(i), "CM-0344-2026-00000" + std::to_string(i));
  auto on_a = claim(*a_, 2);
  ASSERT_EQ(on_a.size(), 2u);
  EXPECT_EQ(claim(*b_, 3).size(), 1u);
  EXPECT_EQ(claim(*b_, 3).size(), 0u);
  EXPECT_EQ(claim(*a_, 1).size(), 0u);
  ASSERT_TRUE(delivered(*a_, on_a[0]));
  EXPECT_EQ(claim(*b_, 3).size(), 1u);
  // Claims of both at the same moment (each its own transaction): never more than the cap.
  ASSERT_TRUE(delivered(*a_, on_a[1]));
  auto fa = std::async(std::launch::async, [&] { return claim(*a_, 3).size(); });
  auto fb = std::async(std::launch::async, [&] { return claim(*b_, 3).size(); });
  EXPECT_EQ(fa.get() + fb.get(), 1u);
  // A partner without a cap told: the instance's own limit.
  a_->setCouplingCaps({});
  EXPECT_EQ(claim(*a_, 2).size(), 2u);
}

// One instance's breaker holds the partner for the others until the time it said, not for
// itself; closed, it holds no more.
TEST_F(LeaseTest, AnOpenCircuitHoldsThePartnerForTheOtherInstances) {
  EXPECT_TRUE(held(*b_).empty());
  circuit(*a_, "open", clock_.now + 30'000);
  EXPECT_TRUE(held(*a_).empty());
  EXPECT_EQ(held(*b_), (std::map<std::string, int64_t>{{"om", clock_.now + 30'000}}));
  circuit(*a_, "half_open", clock_.now + 60'000);
  EXPECT_EQ(held(*b_)["om"], clock_.now + 60'000);
  clock_.now += 60'000;
  EXPECT_TRUE(held(*b_).empty());  // A died half-open: its hold ends by itself
  circuit(*a_, "open", clock_.now + 30'000);
  circuit(*a_, "closed", 0);
  EXPECT_TRUE(held(*b_).empty());
}

// The cluster view: each instance's row is written when its store opens (host, version,
// started_at), before any renewal; its heartbeat moves with every renewal; it is stale once the
// heartbeat is more than 2 x the lease old, and its row goes with another instance's heartbeat a
// day later. Each instance's in-flight deliveries are counted from their leases.
TEST_F(LeaseTest, TheClusterViewListsEveryInstanceWithItsHeartbeat) {
  for (const char* m : {"m1", "m2", "m3"}) intake(*a_, m, std::string("CM-0344-2026-") + m);
  ASSERT_EQ(claim(*a_, 2).size(), 2u);
  ASSERT_EQ(claim(*b_).size(), 1u);
  clock_.now += 100;
  auto v = view(*b_);
  EXPECT_EQ(v.self, "host-b/2");
  EXPECT_EQ(v.lease_ms, 1000);
  ASSERT_EQ(v.instances.size(), 2u);
  const auto& a = v.instances[0];
  EXPECT_EQ(a.id, "host-a/1");
  EXPECT_EQ(a.host, "host-a");
  EXPECT_EQ(a.version, "9.8.7");
  EXPECT_EQ(a.started_at, 1'000'000);
  EXPECT_EQ(a.heartbeat_at, 1'000'000);
  EXPECT_EQ(a.heartbeat_age_ms, 100);
  EXPECT_TRUE(a.alive);
  EXPECT_FALSE(a.self);
  EXPECT_EQ(a.in_flight, 2);
  EXPECT_EQ(v.instances[1].id, "host-b/2");
  EXPECT_TRUE(v.instances[1].self);
  EXPECT_EQ(v.instances[1].in_flight, 1);
  EXPECT_TRUE(view(*a_).instances[0].self);

  // A renews, B does not: B is stale once its heartbeat is more than 2 x the lease old.
  clock_.now = 1'002'000;
  EXPECT_EQ(renew(*a_), 2);
  v = view(*a_);
  EXPECT_EQ(v.instances[0].heartbeat_at, clock_.now);
  EXPECT_EQ(v.instances[0].started_at, 1'000'000);  // a heartbeat keeps started_at
  EXPECT_EQ(v.instances[1].heartbeat_age_ms, 2000);
  EXPECT_TRUE(v.instances[1].alive);  // exactly 2 x the lease: still alive
  clock_.now += 1;
  v = view(*a_);
  EXPECT_FALSE(v.instances[1].alive);
  EXPECT_EQ(v.instances[1].in_flight, 1);  // until another instance takes it over
  EXPECT_EQ(takeOver(*a_), 1);
  EXPECT_EQ(view(*a_).instances[1].in_flight, 0);

  // A day later B's row goes with A's next heartbeat.
  clock_.now += 24 * 3600 * 1000;
  renew(*a_);
  v = view(*a_);
  ASSERT_EQ(v.instances.size(), 1u);
  EXPECT_EQ(v.instances[0].id, "host-a/1");
}

}  // namespace
