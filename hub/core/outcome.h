#pragma once
// Outcome: what a delivery adapter says about one attempt. Adapters classify, the engine decides.
#include <optional>
#include <string>

namespace hub {

enum class OutcomeKind { kDelivered, kRetryable, kPermanent };

struct Outcome {
  OutcomeKind kind = OutcomeKind::kRetryable;
  std::string reason;                       // short, no personal data, e.g. "HTTP 503"
  int http_status = 0;                      // 0 when no HTTP response
  std::optional<long> retry_after_seconds;  // from Retry-After when present
  std::string receipt;                      // response body on success (bounded)

  static Outcome delivered(int status, std::string receipt) {
    return Outcome{OutcomeKind::kDelivered, "HTTP " + std::to_string(status), status, std::nullopt,
                   std::move(receipt)};
  }
  static Outcome retryable(std::string reason, int status = 0) {
    return Outcome{OutcomeKind::kRetryable, std::move(reason), status, std::nullopt, {}};
  }
  static Outcome permanent(std::string reason, int status = 0) {
    return Outcome{OutcomeKind::kPermanent, std::move(reason), status, std::nullopt, {}};
  }
};

inline const char* outcomeName(OutcomeKind k) {
  switch (k) {
    case OutcomeKind::kDelivered:
      return "delivered";
    case OutcomeKind::kRetryable:
      return "transient_error";
    case OutcomeKind::kPermanent:
      return "permanent_error";
  }
  return "?";
}

}  // namespace hub
