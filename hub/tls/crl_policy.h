#pragma once
// When a partner's CRL copy may be used and when it is fetched again: pure logic over times in
// unix seconds, with the clock injected (the caller passes `now`). No I/O.
//
// Contract (one CRL source: a file, or an http(s) distribution point with a cached copy):
// - kMissing: no copy has ever been obtained (nothing in the cache, the first fetch failed).
// - kExpired: the copy's nextUpdate has passed (now >= nextUpdate). The issuer promised a newer
//   list by then; an older one may hide a revocation, so it is NOT used: the hub fails closed.
// - kStale: the copy is older than the refresh interval (a fetch failed or is due) but still
//   before its nextUpdate: it IS used (the distribution point may be down for a while).
// - kFresh: obtained within the refresh interval and before its nextUpdate.
// usable() is true for kFresh and kStale only.
// nextAttemptAt: after a success, the refresh interval after obtaining it, but never after the
// copy's nextUpdate; after a failure (or with no copy), `retry` after the failed attempt.
// shouldReplace: a newly fetched, signature-checked CRL replaces the copy unless it is older
// (its thisUpdate is before the copy's): a replayed old list must not undo a revocation.
#include <cstdint>
#include <optional>

namespace hub::tls {

struct CrlCopy {
  int64_t this_update = 0;  // the CRL's thisUpdate
  int64_t next_update = 0;  // the CRL's nextUpdate
  int64_t obtained_at = 0;  // when it was last downloaded, read or confirmed
};

struct CrlSourceState {
  std::optional<CrlCopy> copy;
  int64_t last_attempt_at = 0;  // 0: never tried
  bool last_attempt_failed = false;
};

struct CrlRefreshPolicy {
  int64_t refresh_seconds = 4 * 3600;  // at most 4 h
  int64_t retry_seconds = 60;          // after a failed fetch
};

enum class CrlStatus { kMissing, kExpired, kStale, kFresh };

const char* crlStatusName(CrlStatus s);
CrlStatus crlStatus(const CrlSourceState& s, int64_t now, const CrlRefreshPolicy& p);
inline bool usable(CrlStatus s) { return s == CrlStatus::kFresh || s == CrlStatus::kStale; }
int64_t nextAttemptAt(const CrlSourceState& s, const CrlRefreshPolicy& p);
bool shouldReplace(const std::optional<CrlCopy>& current, const CrlCopy& candidate);

}  // namespace hub::tls
