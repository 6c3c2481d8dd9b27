#pragma once
// The log line of every failed delivery attempt, so that a partner outage shows in the log from its
// first failure (not only when a delivery goes dead): one JSON line with the delivery id, partner,
// product, channel, attempt number, outcome, a stable reason code, the reason, the HTTP status and
// what happens next (the next attempt's time, a fallback, or the final state). Ids and codes only:
// reasons are value-free by construction (transports and classifiers name codes, never content).
#include <string>

#include "hub/core/outcome.h"
#include "hub/engine/fallback_chain.h"
#include "hub/pipeline/store.h"

namespace hub::engine {

// A short, stable code for dashboards and log queries, from an outcome's reason:
// "HTTP 503" -> "http_503", "tls: certificate revoked" -> "tls", "timeout" -> "timeout",
// "wus: soap fault ..." -> "wus"; "other" when the reason has no recognisable category.
std::string reasonCode(const Outcome& outcome);

// Writes the line (level warn) for an attempt that did not deliver; nothing for a delivered one.
void logFailedAttempt(const DueDelivery& d, const std::string& channel, int attempt,
                      const Outcome& outcome, const ChainDecision& dec);

}  // namespace hub::engine
