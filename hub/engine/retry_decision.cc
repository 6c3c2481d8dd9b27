#include "hub/engine/retry_decision.h"

#include "hub/engine/backoff.h"

namespace hub::engine {
namespace {
// The fallback channels (securemail, print) are configured and counted against legal deadlines,
// but not implemented in this build yet: "no channel left" means dead, visibly, with the reason.
Decision exhausted(std::string why, const DeliveryRule& rule) {
  if (!rule.fallback.empty()) {
    std::string chain;
    for (const auto& c : rule.fallback) chain += (chain.empty() ? "" : ", ") + c;
    why += "; fallback channels (" + chain + ") are not implemented in this build";
  }
  return Decision{DeliveryState::kDead, 0, std::move(why)};
}
}  // namespace

Decision decideAfterAttempt(const Outcome& outcome, int attempts, int64_t now_ms,
                            int64_t deadline_at, const DeliveryRule& rule, Random& random) {
  switch (outcome.kind) {
    case OutcomeKind::kDelivered:
      return Decision{DeliveryState::kDelivered, 0, outcome.reason};
    case OutcomeKind::kPermanent:
      return exhausted("permanent error: " + outcome.reason, rule);
    case OutcomeKind::kRetryable:
      break;
  }
  std::optional<Millis> hint;
  if (outcome.retry_after_seconds) hint = Millis(*outcome.retry_after_seconds * 1000);
  Millis delay = nextDelay(rule.retry, attempts, random, hint);
  int64_t next = now_ms + delay.count();
  if (next >= deadline_at)
    return exhausted("deadline passed after " + std::to_string(attempts) +
                         " attempts; last error: " + outcome.reason,
                     rule);
  return Decision{DeliveryState::kRetryWait, next, outcome.reason};
}

}  // namespace hub::engine
