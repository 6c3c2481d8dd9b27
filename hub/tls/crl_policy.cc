#include "hub/tls/crl_policy.h"

#include <algorithm>

namespace hub::tls {

const char* crlStatusName(CrlStatus s) {
  switch (s) {
    case CrlStatus::kMissing:
      return "missing";
    case CrlStatus::kExpired:
      return "expired";
    case CrlStatus::kStale:
      return "stale";
    case CrlStatus::kFresh:
      return "fresh";
  }
  return "?";
}

CrlStatus crlStatus(const CrlSourceState& s, int64_t now, const CrlRefreshPolicy& p) {
  if (!s.copy) return CrlStatus::kMissing;
  if (now >= s.copy->next_update) return CrlStatus::kExpired;
  if (now - s.copy->obtained_at >= p.refresh_seconds) return CrlStatus::kStale;
  return CrlStatus::kFresh;
}

int64_t nextAttemptAt(const CrlSourceState& s, const CrlRefreshPolicy& p) {
  if (!s.copy || s.last_attempt_failed) return s.last_attempt_at + p.retry_seconds;
  return std::min(s.copy->obtained_at + p.refresh_seconds, s.copy->next_update);
}

bool shouldReplace(const std::optional<CrlCopy>& current, const CrlCopy& candidate) {
  return !current || candidate.this_update >= current->this_update;
}

}  // namespace hub::tls
