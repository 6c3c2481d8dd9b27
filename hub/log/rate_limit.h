#pragma once
// LogRateLimit: at most `burst` lines of one kind per `window_ms`; the rest are counted, and the
// first line let through in a later window says how many were left out. For lines an outsider can
// provoke at will (a TLS scanner's failed handshakes): the log stays readable and cannot be
// flooded. Pure (the caller passes the time); not thread-safe: one owner thread.
//
//   allow(now) -> {true, suppressed_before}  log the line (and, if > 0, that many were left out)
//              -> {false, 0}                 leave it out (counted)
#include <cstdint>

namespace hub::log {

class LogRateLimit {
 public:
  struct Verdict {
    bool log = false;
    uint64_t suppressed_before = 0;  // lines left out since the last one logged
  };

  LogRateLimit(int burst, int64_t window_ms) : burst_(burst), window_ms_(window_ms) {}

  Verdict allow(int64_t now_ms) {
    if (now_ms - window_start_ms_ >= window_ms_ || now_ms < window_start_ms_) {
      window_start_ms_ = now_ms;
      in_window_ = 0;
    }
    if (in_window_ >= burst_) {
      ++suppressed_;
      return {};
    }
    ++in_window_;
    Verdict v{true, suppressed_};
    suppressed_ = 0;
    return v;
  }

 private:
  const int burst_;
  const int64_t window_ms_;
  int64_t window_start_ms_ = INT64_MIN / 2;
  int in_window_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace hub::log
