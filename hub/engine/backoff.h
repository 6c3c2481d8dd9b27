#pragma once
// Exponential backoff with full jitter (AWS "Exponential Backoff And Jitter"):
//   cap(n)  = min(max, initial * factor^(n-1))     n = failures so far, 1-based
//   delay   = uniform[0, cap(n)] ms                 (Random::uniform, inclusive)
// Retry-After (the partner's hint) is honoured as a lower bound but never beyond policy.max:
//   delay = min(max(delay, retry_after), max)
// Rationale: a partner may ask us to wait longer than the jittered delay, but it cannot park a
// delivery past the policy's maximum: the operational deadline and the fallback chain stay in
// the engine's hands (a huge or hostile Retry-After must not silently stall crisis products).
// Overflow-safe for any n (computed in floating point and clamped before converting back);
// failures < 1 counts as 1; factor < 1 (or NaN) counts as 1; negative durations count as 0.
#include <optional>

#include "hub/config/config.h"
#include "hub/core/time_source.h"

namespace hub::engine {

// The upper bound of the jitter window after `failures` failures (before Retry-After).
Millis backoffCap(const RetryPolicy& policy, int failures);

Millis nextDelay(const RetryPolicy& policy, int failures, Random& random,
                 std::optional<Millis> retry_after);

}  // namespace hub::engine
