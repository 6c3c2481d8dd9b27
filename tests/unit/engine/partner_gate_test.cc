#include "hub/engine/partner_gate.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/fake_clock_random.h"

using namespace hub;
using namespace hub::engine;
using hub::engine::testing::FakeClock;

namespace {

PartnerConfig partner(int concurrency = 4, int failures = 2) {
  PartnerConfig p;
  p.code = "om";
  p.concurrency = concurrency;
  p.breaker.failure_threshold = failures;
  p.breaker.open_for = Millis(30000);
  return p;
}

TEST(PartnerGate, CapacityIsTheCapMinusWhatIsInFlight) {
  FakeClock clock;
  PartnerGate g(partner(4), clock);
  EXPECT_EQ(g.capacity(), 4);
  g.started(3);
  EXPECT_EQ(g.capacity(), 1);
  g.started(1);
  EXPECT_EQ(g.capacity(), 0);
  g.finished(OutcomeKind::kDelivered, true);
  EXPECT_EQ(g.capacity(), 1);
  EXPECT_EQ(g.inFlight(), 3);
}

TEST(PartnerGate, OpenCircuitAllowsOneProbeAfterOpenForAndAsksForOverdueChecks) {
  FakeClock clock;
  PartnerGate g(partner(4, 2), clock);
  g.started(2);
  g.finished(OutcomeKind::kRetryable, true);
  g.finished(OutcomeKind::kRetryable, true);
  EXPECT_FALSE(g.circuitClosed());
  EXPECT_EQ(g.capacity(), 0);
  EXPECT_TRUE(g.overdueCheck(clock.nowMs()));
  EXPECT_FALSE(g.overdueCheck(clock.nowMs() + 10));  // at most once a second
  EXPECT_TRUE(g.overdueCheck(clock.nowMs() + PartnerGate::kOverdueEveryMs));
  clock.advance(30000);
  EXPECT_EQ(g.capacity(), 1);  // the half-open probe
  g.started(1);
  EXPECT_EQ(g.capacity(), 0);
  g.finished(OutcomeKind::kDelivered, true);
  EXPECT_TRUE(g.circuitClosed());
  EXPECT_EQ(g.capacity(), 4);
  EXPECT_FALSE(g.overdueCheck(clock.nowMs() + 5000));
}

TEST(PartnerGate, AnAttemptThatNeverWentOutDoesNotCountAgainstTheCircuit) {
  FakeClock clock;
  PartnerGate g(partner(4, 1), clock);
  g.started(1);
  g.finished(OutcomeKind::kRetryable, false);
  EXPECT_TRUE(g.circuitClosed());
}

TEST(PartnerGate, ReloadChangesTheCapAndRenewsTheBreakerOnlyWhenItsSettingsChange) {
  FakeClock clock;
  PartnerGate g(partner(4, 1), clock);
  g.started(1);
  g.finished(OutcomeKind::kRetryable, true);
  EXPECT_FALSE(g.circuitClosed());
  g.update(partner(8, 1));  // same breaker settings: stays open
  EXPECT_FALSE(g.circuitClosed());
  g.update(partner(8, 3));  // new settings: a new, closed breaker
  EXPECT_TRUE(g.circuitClosed());
  EXPECT_EQ(g.capacity(), 8);
}

}  // namespace
