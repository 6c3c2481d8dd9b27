#include "hub/engine/backoff.h"

#include <algorithm>
#include <cmath>

namespace hub::engine {

Millis backoffCap(const RetryPolicy& policy, int failures) {
  const int64_t max_ms = std::max<int64_t>(0, policy.max.count());
  const int64_t initial_ms = std::clamp<int64_t>(policy.initial.count(), 0, max_ms);
  const double factor = policy.factor >= 1.0 ? policy.factor : 1.0;  // NaN -> 1 too
  const int exponent = std::max(failures, 1) - 1;
  // pow() of a huge exponent gives +inf, which the comparison below clamps to max.
  const double cap = static_cast<double>(initial_ms) * std::pow(factor, exponent);
  if (!(cap < static_cast<double>(max_ms))) return Millis(max_ms);
  return Millis(static_cast<int64_t>(cap));
}

Millis nextDelay(const RetryPolicy& policy, int failures, Random& random,
                 std::optional<Millis> retry_after) {
  const int64_t max_ms = std::max<int64_t>(0, policy.max.count());
  const int64_t cap = backoffCap(policy, failures).count();
  // std::min: a misbehaving Random cannot exceed the cap.
  int64_t delay = static_cast<int64_t>(
      std::min(random.uniform(static_cast<uint64_t>(cap)), static_cast<uint64_t>(cap)));
  if (retry_after) delay = std::max<int64_t>(delay, retry_after->count());
  return Millis(std::clamp<int64_t>(delay, 0, max_ms));
}

}  // namespace hub::engine
