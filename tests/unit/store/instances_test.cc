// The cluster view (Store::instances): one instance on its own store (no leases) sees itself,
// alive, with every in-flight delivery; with leases every instance's row is written when its
// store opens (host, version, started_at), its heartbeat moves on every renewal, an instance is
// stale once its heartbeat is older than 2 x the lease, a day-old row is deleted, and each
// instance's in-flight deliveries are counted from their leases.
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

class InstancesTest : public ::testing::Test {
 protected:
  void TearDown() override {
    a_.reset();
    b_.reset();
    where_.remove();
  }
  std::unique_ptr<store::SqlStore> open(const std::string& id, int64_t lease_ms,
                                        const std::string& host) {
    auto o = where_.options(64);
    o.instance_id = id;
    o.lease_ms = lease_ms;
    o.host = host;
    o.version = "9.8.7";
    auto s = store::SqlStore::open(o, clock_);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  void intake(store::SqlStore& s, const std::string& msg) {
    IntakeRecord r;
    r.env.message_id = msg;
    r.env.event_type = "wvggz.crisismaatregel.genomen";
    r.env.case_id = "CM-0344-2026-" + msg;
    r.env.body = "{}";
    r.env.received_at_ms = clock_.now;
    r.deliveries.push_back({msg + "/om", "om", "product", clock_.now + 600'000, 0});
    auto st = wait<Result<IntakeStatus>>(
        [&](auto done) { s.submitIntake(std::move(r), std::move(done)); });
    ASSERT_TRUE(st) << st.error().message;
  }
  size_t claim(store::SqlStore& s, int limit) {
    auto r = wait<Result<std::vector<DueDelivery>>>(
        [&](auto done) { s.submitClaimDue("om", clock_.now, limit, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->size() : 0;
  }
  void renew(store::SqlStore& s) {
    auto r =
        wait<Result<int64_t>>([&](auto done) { s.submitRenewLeases(clock_.now, std::move(done)); });
    EXPECT_TRUE(r) << r.error().message;
  }
  ClusterView view(store::SqlStore& s) {
    auto v = s.instances(clock_.now);
    EXPECT_TRUE(v) << v.error().message;
    return v ? *v : ClusterView{};
  }

  hub::testing::StoreLocation where_;
  Clock clock_;
  std::unique_ptr<store::SqlStore> a_, b_;
};

TEST_F(InstancesTest, OneInstanceWithoutLeasesSeesItself) {
  where_.make(hub::testing::StoreBackend::kSqlite);
  a_ = open("host-a/1", 0, "host-a");
  ASSERT_TRUE(a_);
  intake(*a_, "m1");
  intake(*a_, "m2");
  ASSERT_EQ(claim(*a_, 10), 2u);
  clock_.now += 60'000;
  auto v = view(*a_);
  EXPECT_EQ(v.self, "host-a/1");
  EXPECT_EQ(v.lease_ms, 0);
  ASSERT_EQ(v.instances.size(), 1u);
  const auto& me = v.instances[0];
  EXPECT_EQ(me.id, "host-a/1");
  EXPECT_EQ(me.host, "host-a");
  EXPECT_EQ(me.version, "9.8.7");
  EXPECT_EQ(me.started_at, 1'000'000);
  EXPECT_EQ(me.heartbeat_at, clock_.now);
  EXPECT_EQ(me.heartbeat_age_ms, 0);
  EXPECT_TRUE(me.alive);
  EXPECT_TRUE(me.self);
  EXPECT_EQ(me.in_flight, 2);
  // Nothing is written for it: the table stays empty.
  auto db = where_.openDb(true);
  ASSERT_TRUE(db);
  auto q = db->prepare("SELECT COUNT(*) FROM instances");
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->int64(0), 0);
}

TEST_F(InstancesTest, TheStoreWithoutTheViewSaysSo) {
  struct Bare : Store {
    void submitIntake(IntakeRecord, std::function<void(Result<IntakeStatus>)>) override {}
    void submitResult(AttemptResult, std::function<void(Result<void>)>) override {}
    void submitClaimDue(std::string, int64_t, int,
                        std::function<void(Result<std::vector<DueDelivery>>)>) override {}
    void submitClaimOverdue(std::string, int64_t, int,
                            std::function<void(Result<std::vector<DueDelivery>>)>) override {}
    void submitClaimFallback(std::string, int64_t, int,
                             std::function<void(Result<std::vector<DueDelivery>>)>) override {}
    void submitReplay(std::vector<ReplayRequest>, int64_t, Actor,
                      std::function<void(Result<int64_t>)>) override {}
    void submitPause(std::string, bool, Actor, int64_t,
                     std::function<void(Result<void>)>) override {}
    void submitReplayEvent(IntakeRecord, Actor,
                           std::function<void(Result<IntakeStatus>)>) override {}
    void submitApproveProposal(int64_t, Actor, IntakeRecord,
                               std::function<void(Result<IntakeStatus>)>) override {}
    void submitPropose(Proposal, Actor, std::function<void(Result<int64_t>)>) override {}
    void submitOutboxSent(std::vector<int64_t>, int64_t,
                          std::function<void(Result<void>)>) override {}
    bool writable() const override { return true; }
    Result<std::vector<DueDelivery>> due(const std::string&, int64_t, int) override {
      return std::vector<DueDelivery>{};
    }
    Result<std::optional<int64_t>> nextDueAt() override { return std::optional<int64_t>{}; }
    Result<std::vector<StateCount>> counts() override { return std::vector<StateCount>{}; }
    Result<std::vector<ChannelCount>> channelCounts() override {
      return std::vector<ChannelCount>{};
    }
    Result<std::vector<DeliveryView>> listDeliveries(const DeliveryFilter&) override {
      return std::vector<DeliveryView>{};
    }
    Result<std::optional<DeliveryDetail>> delivery(const std::string&) override {
      return std::optional<DeliveryDetail>{};
    }
    Result<std::vector<EventView>> listEvents(const EventFilter&) override {
      return std::vector<EventView>{};
    }
    Result<std::optional<EventView>> event(const std::string&, bool) override {
      return std::optional<EventView>{};
    }
    Result<std::vector<std::string>> pausedPartners() override {
      return std::vector<std::string>{};
    }
    Result<std::vector<PartnerActivity>> activity(int64_t) override {
      return std::vector<PartnerActivity>{};
    }
    Result<std::vector<Proposal>> proposals(const std::string&) override {
      return std::vector<Proposal>{};
    }
    Result<std::string> eventBody(int64_t) override { return std::string(); }
    Result<std::vector<OutboxEntry>> outbox(int) override { return std::vector<OutboxEntry>{}; }
  } bare;
  auto v = bare.instances(0);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "store");
}

TEST_F(InstancesTest, EveryInstanceWithItsHeartbeatAndWhatItHolds) {
  where_.make(hub::testing::StoreBackend::kPostgres);
  a_ = open("host-a/1", 1000, "host-a");
  clock_.now += 100;
  b_ = open("host-b/2", 1000, "host-b");
  ASSERT_TRUE(a_ && b_);
  for (const char* m : {"m1", "m2", "m3"}) intake(*a_, m);
  ASSERT_EQ(claim(*a_, 2), 2u);
  ASSERT_EQ(claim(*b_, 10), 1u);

  // Both rows exist from the start (before any renewal), each view marks its own.
  auto v = view(*b_);
  EXPECT_EQ(v.self, "host-b/2");
  EXPECT_EQ(v.lease_ms, 1000);
  ASSERT_EQ(v.instances.size(), 2u);
  const auto& a = v.instances[0];
  const auto& b = v.instances[1];
  EXPECT_EQ(a.id, "host-a/1");
  EXPECT_EQ(a.host, "host-a");
  EXPECT_EQ(a.version, "9.8.7");
  EXPECT_EQ(a.started_at, 1'000'000);
  EXPECT_EQ(a.heartbeat_at, 1'000'000);
  EXPECT_EQ(a.heartbeat_age_ms, 100);
  EXPECT_TRUE(a.alive);
  EXPECT_FALSE(a.self);
  EXPECT_EQ(a.in_flight, 2);
  EXPECT_EQ(b.id, "host-b/2");
  EXPECT_EQ(b.started_at, 1'000'100);
  EXPECT_TRUE(b.alive);
  EXPECT_TRUE(b.self);
  EXPECT_EQ(b.in_flight, 1);
  EXPECT_TRUE(view(*a_).instances[0].self);

  // A renews, B does not: B is stale once its heartbeat is more than 2 x the lease old.
  clock_.now += 2000;
  renew(*a_);
  v = view(*a_);
  EXPECT_EQ(v.instances[0].heartbeat_at, clock_.now);
  EXPECT_EQ(v.instances[0].started_at, 1'000'000);  // the heartbeat keeps started_at
  EXPECT_TRUE(v.instances[0].alive);
  EXPECT_EQ(v.instances[1].heartbeat_age_ms, 2000);
  EXPECT_TRUE(v.instances[1].alive);  // exactly 2 x the lease: still alive
  clock_.now += 1;
  v = view(*a_);
  EXPECT_FALSE(v.instances[1].alive);
  EXPECT_EQ(v.instances[1].in_flight, 1);  // until another instance takes them over

  // A day later B's row goes with A's next heartbeat.
  clock_.now += 24 * 3600 * 1000;
  renew(*a_);
  v = view(*a_);
  ASSERT_EQ(v.instances.size(), 1u);
  EXPECT_EQ(v.instances[0].id, "host-a/1");
}

}  // namespace
