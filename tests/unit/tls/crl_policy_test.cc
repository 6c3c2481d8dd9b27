#include "hub/tls/crl_policy.h"

#include <gtest/gtest.h>

namespace hub::tls {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t t0 = 1'800'000'000;

CrlSourceState withCopy(int64_t obtained_at, int64_t next_update) {
  CrlSourceState s;
  s.copy = CrlCopy{obtained_at - kHour, next_update, obtained_at};
  s.last_attempt_at = obtained_at;
  return s;
}

TEST(CrlPolicy, NoCopyIsMissingAndNotUsable) {
  CrlSourceState s;
  EXPECT_EQ(crlStatus(s, t0, {}), CrlStatus::kMissing);
  EXPECT_FALSE(usable(crlStatus(s, t0, {})));
}

TEST(CrlPolicy, FreshWithinTheRefreshInterval) {
  auto s = withCopy(t0, t0 + 24 * kHour);
  EXPECT_EQ(crlStatus(s, t0 + kHour, {}), CrlStatus::kFresh);
  EXPECT_TRUE(usable(crlStatus(s, t0 + kHour, {})));
}

TEST(CrlPolicy, StaleAfterTheRefreshIntervalButUsedUntilNextUpdate) {
  auto s = withCopy(t0, t0 + 24 * kHour);
  s.last_attempt_at = t0 + 5 * kHour;
  s.last_attempt_failed = true;  // the distribution point is down
  EXPECT_EQ(crlStatus(s, t0 + 5 * kHour, {}), CrlStatus::kStale);
  EXPECT_TRUE(usable(crlStatus(s, t0 + 5 * kHour, {})));
  EXPECT_EQ(crlStatus(s, t0 + 24 * kHour - 1, {}), CrlStatus::kStale);
}

TEST(CrlPolicy, ExpiredAtNextUpdateFailsClosed) {
  auto s = withCopy(t0, t0 + 24 * kHour);
  EXPECT_EQ(crlStatus(s, t0 + 24 * kHour, {}), CrlStatus::kExpired);
  EXPECT_FALSE(usable(crlStatus(s, t0 + 24 * kHour, {})));
  // Even a copy obtained a second ago is expired once its nextUpdate has passed.
  auto late = withCopy(t0 + 30 * kHour, t0 + 24 * kHour);
  EXPECT_EQ(crlStatus(late, t0 + 30 * kHour, {}), CrlStatus::kExpired);
}

TEST(CrlPolicy, RefreshIntervalIsConfigurable) {
  CrlRefreshPolicy p{600, 60};
  auto s = withCopy(t0, t0 + 24 * kHour);
  EXPECT_EQ(crlStatus(s, t0 + 599, p), CrlStatus::kFresh);
  EXPECT_EQ(crlStatus(s, t0 + 600, p), CrlStatus::kStale);
  EXPECT_EQ(nextAttemptAt(s, p), t0 + 600);
}

TEST(CrlPolicy, NextAttemptAfterSuccessIsTheIntervalButNotAfterNextUpdate) {
  EXPECT_EQ(nextAttemptAt(withCopy(t0, t0 + 24 * kHour), {}), t0 + 4 * kHour);
  EXPECT_EQ(nextAttemptAt(withCopy(t0, t0 + kHour), {}), t0 + kHour);
}

TEST(CrlPolicy, NextAttemptAfterFailureIsTheRetryDelay) {
  auto s = withCopy(t0, t0 + 24 * kHour);
  s.last_attempt_at = t0 + 4 * kHour;
  s.last_attempt_failed = true;
  EXPECT_EQ(nextAttemptAt(s, {}), t0 + 4 * kHour + 60);
  CrlSourceState never;  // never tried, no copy: due at once
  EXPECT_LE(nextAttemptAt(never, {}), t0);
  CrlSourceState failed;
  failed.last_attempt_at = t0;
  failed.last_attempt_failed = true;
  EXPECT_EQ(nextAttemptAt(failed, {}), t0 + 60);
}

TEST(CrlPolicy, AnOlderListNeverReplacesANewerOne) {
  CrlCopy current{t0, t0 + 24 * kHour, t0};
  EXPECT_TRUE(shouldReplace(std::nullopt, current));
  EXPECT_TRUE(shouldReplace(current, CrlCopy{t0, t0 + 24 * kHour, t0 + 10}));  // the same list
  EXPECT_TRUE(shouldReplace(current, CrlCopy{t0 + kHour, t0 + 25 * kHour, t0 + kHour}));
  EXPECT_FALSE(shouldReplace(current, CrlCopy{t0 - kHour, t0 + 23 * kHour, t0 + kHour}));
}

TEST(CrlPolicy, StatusNames) {
  EXPECT_STREQ(crlStatusName(CrlStatus::kMissing), "missing");
  EXPECT_STREQ(crlStatusName(CrlStatus::kExpired), "expired");
  EXPECT_STREQ(crlStatusName(CrlStatus::kStale), "stale");
  EXPECT_STREQ(crlStatusName(CrlStatus::kFresh), "fresh");
}

}  // namespace
}  // namespace hub::tls
