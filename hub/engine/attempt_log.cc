#include "hub/engine/attempt_log.h"

#include <cctype>

#include "hub/core/time_format.h"
#include "hub/log/log.h"

namespace hub::engine {

std::string reasonCode(const Outcome& outcome) {
  const std::string& r = outcome.reason;
  if (r.rfind("HTTP ", 0) == 0 && outcome.http_status > 0)
    return "http_" + std::to_string(outcome.http_status);
  size_t n = 0;
  while (n < r.size() && n < 32 && (std::islower(static_cast<unsigned char>(r[n])) || r[n] == '_'))
    ++n;
  const bool ends_word = n == r.size() || r[n] == ':' || r[n] == ' ';
  return n > 0 && ends_word ? r.substr(0, n) : "other";
}

void logFailedAttempt(const DueDelivery& d, const std::string& channel, int attempt,
                      const Outcome& outcome, const ChainDecision& dec) {
  if (outcome.kind == OutcomeKind::kDelivered) return;
  std::string next;
  if (dec.switched) {
    next = "fallback to " + dec.next_channel;
  } else if (dec.state == DeliveryState::kRetryWait) {
    next = "retry at " + formatRfc3339Utc(dec.next_at);
  } else {
    next = std::string(stateName(dec.state));
  }
  log::warn("delivery attempt failed", {{"delivery_id", d.delivery_id},
                                        {"partner", d.partner},
                                        {"product", d.product},
                                        {"channel", channel},
                                        {"attempt", attempt},
                                        {"outcome", outcomeName(outcome.kind)},
                                        {"reason_code", reasonCode(outcome)},
                                        {"reason", dec.reason},
                                        {"http_status", outcome.http_status},
                                        {"next", next},
                                        {"next_attempt_at", dec.state == DeliveryState::kRetryWait
                                                                ? formatRfc3339Utc(dec.next_at)
                                                                : std::string()}});
}

}  // namespace hub::engine
