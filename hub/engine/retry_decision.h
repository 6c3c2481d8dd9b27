#pragma once
// The engine's decision after one attempt (pure): delivered, wait and retry, or — when the
// deadline leaves no room or the error is permanent — the next fallback channel or dead.
#include <cstdint>
#include <string>

#include "hub/config/config.h"
#include "hub/core/delivery_state.h"
#include "hub/core/outcome.h"
#include "hub/core/time_source.h"

namespace hub::engine {

struct Decision {
  DeliveryState state;
  int64_t next_at = 0;  // retry_wait only
  std::string reason;
};

// attempts: attempts made including this one. deadline_at: operational deadline (unix ms).
Decision decideAfterAttempt(const Outcome& outcome, int attempts, int64_t now_ms,
                            int64_t deadline_at, const DeliveryRule& rule, Random& random);

}  // namespace hub::engine
