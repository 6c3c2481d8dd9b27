#include "hub/engine/backoff.h"

#include <gtest/gtest.h>

#include <limits>

#include "tests/unit/engine/fake_clock_random.h"

namespace hub::engine {
namespace {

using testing::FractionRandom;

RetryPolicy policy(int64_t initial, double factor, int64_t max) {
  RetryPolicy p;
  p.initial = Millis(initial);
  p.factor = factor;
  p.max = Millis(max);
  return p;
}

TEST(BackoffTest, CapGrowsExponentiallyFromInitial) {
  RetryPolicy p = policy(1000, 2.0, 300000);
  EXPECT_EQ(backoffCap(p, 1).count(), 1000);
  EXPECT_EQ(backoffCap(p, 2).count(), 2000);
  EXPECT_EQ(backoffCap(p, 3).count(), 4000);
  EXPECT_EQ(backoffCap(p, 9).count(), 256000);
  EXPECT_EQ(backoffCap(p, 10).count(), 300000);  // 512000 clamped
}

TEST(BackoffTest, FullJitterDrawsFromZeroToCap) {
  RetryPolicy p = policy(1000, 2.0, 300000);
  FractionRandom low(0, 1), high(1, 1), mid(1, 2);
  EXPECT_EQ(nextDelay(p, 3, low, std::nullopt).count(), 0);
  EXPECT_EQ(nextDelay(p, 3, high, std::nullopt).count(), 4000);
  EXPECT_EQ(nextDelay(p, 3, mid, std::nullopt).count(), 2000);
  EXPECT_EQ(high.last_bound, 4000u);  // uniform() is asked for [0, cap]
}

TEST(BackoffTest, OverflowSafeForHugeFailureCounts) {
  RetryPolicy p = policy(1000, 2.0, 300000);
  FractionRandom high(1, 1);
  for (int n : {31, 63, 64, 1024, 1'000'000, std::numeric_limits<int>::max()}) {
    EXPECT_EQ(backoffCap(p, n).count(), 300000) << n;
    EXPECT_EQ(nextDelay(p, n, high, std::nullopt).count(), 300000) << n;
  }
  RetryPolicy huge =
      policy(std::numeric_limits<int64_t>::max() / 2, 1e308, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(backoffCap(huge, 5).count(), std::numeric_limits<int64_t>::max());
}

TEST(BackoffTest, DegenerateInputs) {
  FractionRandom high(1, 1);
  EXPECT_EQ(backoffCap(policy(1000, 2.0, 300000), 0).count(), 1000);  // failures < 1 -> 1
  EXPECT_EQ(backoffCap(policy(1000, 2.0, 300000), -5).count(), 1000);
  EXPECT_EQ(backoffCap(policy(1000, 0.5, 300000), 10).count(), 1000);  // factor < 1 -> 1
  EXPECT_EQ(backoffCap(policy(1000, std::numeric_limits<double>::quiet_NaN(), 300000), 10).count(),
            1000);
  EXPECT_EQ(backoffCap(policy(-1, 2.0, 300000), 10).count(), 0);
  EXPECT_EQ(backoffCap(policy(5000, 2.0, 1000), 1).count(), 1000);  // initial above max
  EXPECT_EQ(nextDelay(policy(1000, 2.0, -1), 3, high, std::nullopt).count(), 0);
}

TEST(BackoffTest, RetryAfterIsALowerBound) {
  RetryPolicy p = policy(1000, 2.0, 300000);
  FractionRandom low(0, 1), high(1, 1);
  EXPECT_EQ(nextDelay(p, 1, low, Millis(30000)).count(), 30000);
  EXPECT_EQ(nextDelay(p, 10, high, Millis(30000)).count(), 300000);  // jitter already longer
  EXPECT_EQ(nextDelay(p, 1, low, Millis(0)).count(), 0);
  EXPECT_EQ(nextDelay(p, 1, low, Millis(-5)).count(), 0);
}

TEST(BackoffTest, RetryAfterNeverBeyondMax) {
  RetryPolicy p = policy(1000, 2.0, 300000);
  FractionRandom low(0, 1);
  EXPECT_EQ(nextDelay(p, 1, low, Millis(3'600'000)).count(), 300000);
  EXPECT_EQ(nextDelay(p, 1, low, Millis(std::numeric_limits<int64_t>::max())).count(), 300000);
}

class LyingRandom final : public Random {
 public:
  uint64_t uniform(uint64_t) override { return std::numeric_limits<uint64_t>::max(); }
};

TEST(BackoffTest, MisbehavingRandomIsClampedToCap) {
  LyingRandom r;
  EXPECT_EQ(nextDelay(policy(1000, 2.0, 300000), 2, r, std::nullopt).count(), 2000);
}

TEST(BackoffTest, StdRandomStaysInsideWindow) {
  StdRandom r;
  RetryPolicy p = policy(1000, 2.0, 300000);
  for (int i = 0; i < 1000; ++i) {
    int64_t d = nextDelay(p, 4, r, std::nullopt).count();
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 8000);
  }
}

}  // namespace
}  // namespace hub::engine
