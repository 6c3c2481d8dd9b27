#pragma once
// RFC 3339 UTC timestamps with milliseconds ("2026-11-22T07:15:00.123Z"): one formatter for logs,
// products, AMQP properties and receipts.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace hub {

inline std::string formatRfc3339Utc(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

inline std::string formatRfc3339Utc(std::chrono::system_clock::time_point t) {
  return formatRfc3339Utc(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

}  // namespace hub
