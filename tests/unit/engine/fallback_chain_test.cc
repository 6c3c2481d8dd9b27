#include "hub/engine/fallback_chain.h"

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
  r.fallback = {"securemail", "print"};
  return r;
}

std::map<std::string, ChannelConfig> channels() {
  std::map<std::string, ChannelConfig> c;
  c["securemail"].name = "securemail";
  c["securemail"].deadline = Millis(7'200'000);
  c["securemail"].retry = RetryPolicy{Millis(2000), 2.0, Millis(60000)};
  c["print"].name = "print";
  c["print"].deadline = Millis(43'200'000);
  c["print"].retry = RetryPolicy{Millis(5000), 2.0, Millis(60000)};
  return c;
}

ChannelAvailable all() {
  return [](const std::string&) { return true; };
}
ChannelAvailable none() {
  return [](const std::string&) { return false; };
}

ChainPosition coupling(int attempts, int64_t deadline = 60000) {
  return ChainPosition{0, "rest-xml", attempts, deadline, ""};
}

TEST(FallbackChain, DeliveredIsFinalOnItsChannel) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::delivered(200, "<ok/>"), coupling(1), 0, rule(), channels(),
                              all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDelivered);
  EXPECT_FALSE(d.switched);
  EXPECT_EQ(d.channel_index, 0);
}

TEST(FallbackChain, TransientWaitsWithBackoffInsideTheDeadline) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), coupling(1), 1000, rule(),
                              channels(), all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kRetryWait);
  EXPECT_EQ(d.next_at, 2000);  // cap for the first failure = initial
  d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), coupling(3), 1000, rule(), channels(),
                         all(), rnd);
  EXPECT_EQ(d.next_at, 5000);  // 1s * 2^2
  d = decideAfterAttempt(Outcome::retryable("HTTP 503", 503), coupling(10), 1000, rule(),
                         channels(), all(), rnd);
  EXPECT_EQ(d.next_at, 9000);  // capped at max
  EXPECT_EQ(d.reason, "HTTP 503");
}

TEST(FallbackChain, PermanentErrorMovesToTheNextChannelAtOnce) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::permanent("HTTP 400", 400), coupling(1), 5000, rule(),
                              channels(), all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kFallback);
  EXPECT_TRUE(d.switched);
  EXPECT_EQ(d.channel_index, 1);
  EXPECT_EQ(d.next_channel, "securemail");
  EXPECT_EQ(d.next_at, 5000);
  EXPECT_EQ(d.deadline_at, 5000 + 7'200'000);
  EXPECT_EQ(d.reasons, "rest-xml: permanent error: HTTP 400");
}

TEST(FallbackChain, DeadlinePassedMovesOnWithTheLastError) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::retryable("connect: refused"), coupling(7), 59500, rule(),
                              channels(), all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kFallback);
  EXPECT_NE(d.reasons.find("deadline passed after 7 attempts"), std::string::npos);
  EXPECT_NE(d.reasons.find("connect: refused"), std::string::npos);
}

TEST(FallbackChain, AFallbackChannelRetriesWithItsOwnPolicyInStateFallback) {
  MaxRandom rnd;
  ChainPosition at{1, "securemail", 1, 1'000'000, "rest-xml: x"};
  auto d =
      decideAfterAttempt(Outcome::retryable("smtp 451"), at, 0, rule(), channels(), all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kFallback);
  EXPECT_FALSE(d.switched);
  EXPECT_EQ(d.next_at, 2000);  // securemail's initial delay
  EXPECT_EQ(d.next_channel, "securemail");
  EXPECT_EQ(d.reasons, "rest-xml: x");
}

TEST(FallbackChain, TheLastChannelFailingIsDeadWithEveryChannelsReason) {
  MaxRandom rnd;
  ChainPosition at{2, "print", 1, 1'000'000, "rest-xml: a; securemail: b"};
  auto d = decideAfterAttempt(Outcome::permanent("spool: read-only"), at, 0, rule(), channels(),
                              all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDead);
  EXPECT_EQ(d.reasons, "rest-xml: a; securemail: b; print: permanent error: spool: read-only");
  EXPECT_NE(d.reason.find("no channel left"), std::string::npos);
}

TEST(FallbackChain, UnavailableChannelsAreSkippedWithAReason) {
  MaxRandom rnd;
  auto only_print = [](const std::string& n) { return n == "print"; };
  auto d = decideAfterAttempt(Outcome::permanent("HTTP 400"), coupling(1), 0, rule(), channels(),
                              only_print, rnd);
  EXPECT_EQ(d.next_channel, "print");
  EXPECT_EQ(d.channel_index, 2);
  EXPECT_NE(d.reasons.find("securemail: not configured for partner om"), std::string::npos);
  d = decideAfterAttempt(Outcome::permanent("HTTP 400"), coupling(1), 0, rule(), channels(), none(),
                         rnd);
  EXPECT_EQ(d.state, DeliveryState::kDead);
}

TEST(FallbackChain, SkippedMovesOnWithoutAnAttempt) {
  MaxRandom rnd;
  auto d = decideAfterAttempt(Outcome::retryable("circuit open"), coupling(0), 0, rule(),
                              channels(), all(), rnd, true);
  EXPECT_EQ(d.state, DeliveryState::kFallback);
  EXPECT_EQ(d.reasons, "rest-xml: circuit open");
}

TEST(FallbackChain, NoFallbackConfiguredIsDead) {
  MaxRandom rnd;
  DeliveryRule r = rule();
  r.fallback.clear();
  auto d = decideAfterAttempt(Outcome::permanent("HTTP 400", 400), coupling(1), 0, r, channels(),
                              all(), rnd);
  EXPECT_EQ(d.state, DeliveryState::kDead);
  EXPECT_NE(d.reason.find("HTTP 400"), std::string::npos);
}

}  // namespace
