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

namespace {

// Several instances: another instance's open breaker holds this gate (no attempt, reported open,
// overdue checks as when open) until the time it said, unless this breaker is itself open.
TEST(PartnerGate, AHoldFromAnotherInstanceStopsAttemptsUntilItEnds) {
  FakeClock clock;
  PartnerGate g(partner(4, 2), clock);
  g.holdUntil(clock.nowMs() + 5000);
  EXPECT_EQ(g.capacity(), 0);
  EXPECT_STREQ(g.circuitName(), "open");
  EXPECT_FALSE(g.circuitClosed());
  EXPECT_TRUE(g.overdueCheck(clock.nowMs()));
  clock.advance(5000);
  EXPECT_EQ(g.capacity(), 4);
  EXPECT_STREQ(g.circuitName(), "closed");
  EXPECT_FALSE(g.overdueCheck(clock.nowMs()));
  g.holdUntil(clock.nowMs() + 5000);
  g.holdUntil(0);  // closed on the other instance
  EXPECT_EQ(g.capacity(), 4);
}

// Every change of this breaker is handed on with until when the others should hold: the open
// period from now while open or half-open, 0 once closed.
TEST(PartnerGate, ChangesOfTheBreakerAreToldWithTheHold) {
  FakeClock clock;
  std::vector<std::pair<std::string, int64_t>> told;
  PartnerGate g(partner(4, 2), clock,
                [&](const std::string& p, CircuitBreaker::State to, int64_t until) {
                  told.emplace_back(p + ":" + circuitStateName(to), until);
                });
  g.started(2);
  g.finished(OutcomeKind::kRetryable, true);
  g.finished(OutcomeKind::kRetryable, true);
  const int64_t opened = clock.nowMs();
  clock.advance(30000);
  EXPECT_EQ(g.capacity(), 1);  // the probe: half_open
  g.started(1);
  g.finished(OutcomeKind::kDelivered, true);
  using Told = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(
      told,
      (Told{{"om:open", opened + 30000}, {"om:half_open", opened + 60000}, {"om:closed", 0}}));
}

}  // namespace
