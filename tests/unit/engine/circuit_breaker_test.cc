#include "hub/engine/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/engine/fake_clock_random.h"

namespace hub::engine {
namespace {

using State = CircuitBreaker::State;
using testing::FakeClock;

BreakerConfig config(int threshold, int64_t open_for_ms) {
  BreakerConfig c;
  c.failure_threshold = threshold;
  c.open_for = Millis(open_for_ms);
  return c;
}

TEST(CircuitBreakerTest, StartsClosedAndAllows) {
  FakeClock clock;
  CircuitBreaker b(config(3, 1000), clock);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_STREQ(b.stateName(), "closed");
  EXPECT_TRUE(b.allowRequest());
  EXPECT_TRUE(b.allowRequest());
}

TEST(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker b(config(3, 1000), clock);
  b.onFailure();
  b.onFailure();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.snapshot().consecutive_failures, 2);
  b.onFailure();
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_STREQ(b.stateName(), "open");
  EXPECT_FALSE(b.allowRequest());
  EXPECT_EQ(b.snapshot().ms_until_probe, 1000);
  EXPECT_EQ(b.snapshot().opened_at_ms, clock.nowMs());
}

TEST(CircuitBreakerTest, SuccessResetsTheConsecutiveCount) {
  FakeClock clock;
  CircuitBreaker b(config(3, 1000), clock);
  b.onFailure();
  b.onFailure();
  b.onSuccess();
  b.onFailure();
  b.onFailure();
  EXPECT_EQ(b.state(), State::kClosed);
}

TEST(CircuitBreakerTest, PermanentErrorsDoNotCountAsPartnerDown) {
  FakeClock clock;
  CircuitBreaker b(config(2, 1000), clock);
  b.record(OutcomeKind::kRetryable);
  b.record(OutcomeKind::kPermanent);  // the partner answered: it is up
  b.record(OutcomeKind::kRetryable);
  EXPECT_EQ(b.state(), State::kClosed);
  b.record(OutcomeKind::kRetryable);
  EXPECT_EQ(b.state(), State::kOpen);
}

TEST(CircuitBreakerTest, HalfOpenAfterOpenForWithOneProbeAtATime) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  clock.advance(999);
  EXPECT_FALSE(b.allowRequest());
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.snapshot().ms_until_probe, 1);
  clock.advance(1);
  EXPECT_TRUE(b.allowRequest());  // the probe
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_STREQ(b.stateName(), "half_open");
  EXPECT_TRUE(b.snapshot().probe_in_flight);
  EXPECT_FALSE(b.allowRequest());  // only one probe at a time
  EXPECT_FALSE(b.allowRequest());
}

TEST(CircuitBreakerTest, ProbeSuccessCloses) {
  FakeClock clock;
  CircuitBreaker b(config(2, 1000), clock);
  b.onFailure();
  b.onFailure();
  clock.advance(1000);
  ASSERT_TRUE(b.allowRequest());
  b.onSuccess();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.snapshot().consecutive_failures, 0);
  EXPECT_TRUE(b.allowRequest());
  b.onFailure();  // a fresh count: one failure does not reopen a threshold-2 breaker
  EXPECT_EQ(b.state(), State::kClosed);
}

TEST(CircuitBreakerTest, ProbePermanentErrorAlsoCloses) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  clock.advance(1000);
  ASSERT_TRUE(b.allowRequest());
  b.record(OutcomeKind::kPermanent);
  EXPECT_EQ(b.state(), State::kClosed);
}

TEST(CircuitBreakerTest, ProbeFailureReopensAndRestartsTheTimer) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  clock.advance(1500);
  ASSERT_TRUE(b.allowRequest());
  b.onFailure();
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.snapshot().opened_at_ms, clock.nowMs());
  clock.advance(999);
  EXPECT_FALSE(b.allowRequest());
  clock.advance(1);
  EXPECT_TRUE(b.allowRequest());
  EXPECT_EQ(b.state(), State::kHalfOpen);
}

TEST(CircuitBreakerTest, LostProbeExpiresAfterOpenFor) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  clock.advance(1000);
  ASSERT_TRUE(b.allowRequest());  // granted, but never reported back
  clock.advance(999);
  EXPECT_FALSE(b.allowRequest());
  clock.advance(1);
  EXPECT_TRUE(b.allowRequest());  // a new probe
  EXPECT_FALSE(b.allowRequest());
}

TEST(CircuitBreakerTest, StragglersWhileOpenAreIgnored) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  const int64_t opened = b.snapshot().opened_at_ms;
  clock.advance(500);
  b.onFailure();
  b.onSuccess();
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.snapshot().opened_at_ms, opened);
  clock.advance(500);
  EXPECT_TRUE(b.allowRequest());
}

TEST(CircuitBreakerTest, ThresholdZeroDisables) {
  FakeClock clock;
  CircuitBreaker b(config(0, 1000), clock);
  for (int i = 0; i < 100; ++i) b.onFailure();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.allowRequest());
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_STREQ(circuitStateName(State::kClosed), "closed");
  EXPECT_STREQ(circuitStateName(State::kOpen), "open");
  EXPECT_STREQ(circuitStateName(State::kHalfOpen), "half_open");
}

TEST(CircuitBreakerTest, ConcurrentUseGrantsExactlyOneProbe) {
  FakeClock clock;
  CircuitBreaker b(config(1, 1000), clock);
  b.onFailure();
  clock.advance(1000);  // the fake clock is not advanced while the threads run
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (b.allowRequest()) ++granted;
        (void)b.snapshot();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 1);
}

}  // namespace
}  // namespace hub::engine
