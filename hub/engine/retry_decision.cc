#include "hub/engine/retry_decision.h"

#include "hub/engine/backoff.h"

namespace hub::engine {
namespace {
// No fallback channels exist in this build yet (securemail and print come with their issue);
// config check refuses routes naming one, so "no channel left" means dead.
Decision exhausted(std::string why) { return Decision{DeliveryState::kDead, 0, std::move(why)}; }
}  // namespace

Decision decideAfterAttempt(const Outcome& outcome, int attempts, int64_t now_ms,
                            int64_t deadline_at, const DeliveryRule& rule, Random& random) {
  switch (outcome.kind) {
    case OutcomeKind::kDelivered:
      return Decision{DeliveryState::kDelivered, 0, outcome.reason};
    case OutcomeKind::kPermanent:
      return exhausted("permanent error: " + outcome.reason);
    case OutcomeKind::kRetryable:
      break;
  }
  std::optional<Millis> hint;
  if (outcome.retry_after_seconds) hint = Millis(*outcome.retry_after_seconds * 1000);
  Millis delay = nextDelay(rule.retry, attempts, random, hint);
  int64_t next = now_ms + delay.count();
  if (next >= deadline_at)
    return exhausted("deadline passed after " + std::to_string(attempts) +
                     " attempts; last error: " + outcome.reason);
  return Decision{DeliveryState::kRetryWait, next, outcome.reason};
}

}  // namespace hub::engine
