// LeaseKeeper: once a second it reads the partners other instances hold open and hands them to
// the scheduler; when they cannot be read, nothing is handed on.
#include "hub/engine/lease_keeper.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/fake_clock_random.h"
#include "tests/unit/engine/fake_store.h"

using namespace hub;
using namespace hub::engine;
using hub::engine::testing::FakeClock;
using hub::engine::testing::FakeStore;

namespace {

TEST(LeaseKeeper, HandsTheHeldPartnersOnOnceASecond) {
  FakeClock clock;
  FakeStore store;
  std::vector<std::map<std::string, int64_t>> handed;
  LeaseKeeper keeper(
      store, clock, 15000, [] {},
      [&](std::map<std::string, int64_t> held) { handed.push_back(std::move(held)); });
  store.held = {{"om", clock.nowMs() + 30000}};
  keeper.tick(clock.nowMs());
  ASSERT_EQ(handed.size(), 1u);
  EXPECT_EQ(handed[0], store.held);
  keeper.tick(clock.nowMs() + 500);
  EXPECT_EQ(handed.size(), 1u);
  store.held.clear();
  keeper.tick(clock.nowMs() + 1000);
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_TRUE(handed[1].empty());  // the hold ended: the scheduler lets the partner go
  store.held_fails = true;
  keeper.tick(clock.nowMs() + 2000);
  EXPECT_EQ(handed.size(), 2u);
}

// The lease timing (pipeline/store.h): for every lease the configuration allows (3..600 s), an
// instance killed right after renewing has its deliveries taken over within the lease (the
// horizon, plus one take-over period, plus one keeper tick), and a live instance renews at least
// a second before its horizon.
TEST(LeaseKeeper, TakeoverFallsWithinTheLeaseAndRenewalComesWellBeforeIt) {
  constexpr int64_t kTickMs = 100;
  for (int64_t lease = 3000; lease <= 600000; lease += 500) {
    SCOPED_TRACE(lease);
    EXPECT_LT(leaseHorizonMs(lease) + kTakeOverEveryMs + kTickMs, lease);
    EXPECT_GE(leaseHorizonMs(lease) - lease / 4 - kTickMs, 1000 - kTickMs);
  }
}

// A store without the cluster view (the interface's default) says so instead of an empty list.
TEST(LeaseKeeper, AStoreWithoutTheClusterViewSaysSo) {
  FakeStore store;
  auto v = store.instances(0);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "store");
}

}  // namespace
