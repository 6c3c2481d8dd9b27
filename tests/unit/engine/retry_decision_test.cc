#include "hub/engine/retry_decision.h"

#include <gtest/gtest.h>

using namespace hub;
using namespace hub::engine;

namespace {

class MaxRandom : public Random {  // always the top of the jitter range
 public:
  uint64_t uniform(uint64_t bound) override { return bound; }
};

DeliveryRule rule() {
  DeliveryRule r;
  r.partner = "om";
  r.product = "kennisgeving-crisismaatregel";
  r.retry = RetryPolicy{Millis(1000), 2.0, Millis(8000)};
  r.deadline = Millis(60000);
  return r;
}

TEST(RetryDecision, DeliveredIsFinal) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::delivered(200, "<ok/>"), 1, 0, 60000, rule(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDelivered);
}

TEST(RetryDecision, TransientWaitsWithBackoffInsideTheDeadline) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), 1, 1000, 60000, rule(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kRetryWait);
  EXPECT_EQ(d.next_at, 2000);  // cap for the first failure = initial
  d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), 3, 1000, 60000, rule(), rnd);
  EXPECT_EQ(d.next_at, 5000);  // 1s * 2^2
  d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), 10, 1000, 60000, rule(), rnd);
  EXPECT_EQ(d.next_at, 9000);  // capped at max
  EXPECT_EQ(d.reason, "HTTP 503");
}

TEST(RetryDecision, PermanentIsDeadWithTheStatusInTheReason) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::permanent("HTTP 400", 400), 1, 0, 60000, rule(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDead);
  EXPECT_NE(d.reason.find("HTTP 400"), std::string::npos);
}

TEST(RetryDecision, DeadlineWithoutRoomIsDeadWithTheLastError) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::retryable("connect: refused"), 7, 59500, 60000, rule(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDead);
  EXPECT_NE(d.reason.find("deadline passed after 7 attempts"), std::string::npos);
  EXPECT_NE(d.reason.find("connect: refused"), std::string::npos);
}

}  // namespace
