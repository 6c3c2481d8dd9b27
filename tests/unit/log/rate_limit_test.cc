#include "hub/log/rate_limit.h"

#include <gtest/gtest.h>

namespace hub::log {
namespace {

TEST(LogRateLimit, BurstPerWindowThenCountsWhatItLeavesOut) {
  LogRateLimit limit(3, 60000);
  for (int i = 0; i < 3; ++i) {
    auto v = limit.allow(1000 + i);
    EXPECT_TRUE(v.log);
    EXPECT_EQ(v.suppressed_before, 0u);
  }
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limit.allow(2000 + i).log);
  // The next window: the first line says how many were left out, then the count starts again.
  auto next = limit.allow(61000);
  EXPECT_TRUE(next.log);
  EXPECT_EQ(next.suppressed_before, 100u);
  auto after = limit.allow(61001);
  EXPECT_TRUE(after.log);
  EXPECT_EQ(after.suppressed_before, 0u);
}

TEST(LogRateLimit, AClockThatGoesBackStartsANewWindow) {
  LogRateLimit limit(1, 60000);
  EXPECT_TRUE(limit.allow(100000).log);
  EXPECT_FALSE(limit.allow(100001).log);
  auto v = limit.allow(50000);
  EXPECT_TRUE(v.log);
  EXPECT_EQ(v.suppressed_before, 1u);
}

}  // namespace
}  // namespace hub::log
