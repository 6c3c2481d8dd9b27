#pragma once
// Civil time in the time zones the hub knows, as a pure computation: no TZ environment variable,
// no tz database, safe on every thread. The only zone is Europe/Amsterdam, with the EU rule in
// force since 1996: CEST (UTC+02:00) from the last Sunday of March 01:00 UTC to the last Sunday
// of October 01:00 UTC, CET (UTC+01:00) otherwise. Moments are unix milliseconds.
#include <cstdint>
#include <optional>
#include <string_view>

namespace hub::zone {

inline constexpr std::string_view kSupported = "Europe/Amsterdam";  // listed in messages

inline bool supported(std::string_view zone) { return zone == kSupported; }

struct LocalDate {
  int year = 1970, month = 1, day = 1;
};

inline constexpr int64_t kHourMs = 3'600'000;
inline constexpr int64_t kDayMs = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
inline int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline LocalDate civilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

inline int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The EU summer time of a year: [start, end) in unix ms.
inline int64_t euSummerStart(int year) {
  int64_t last = daysFromCivil(year, 3, 31);
  int64_t sunday = last - ((last + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
  return sunday * kDayMs + kHourMs;
}
inline int64_t euSummerEnd(int year) {
  int64_t last = daysFromCivil(year, 10, 31);
  int64_t sunday = last - ((last + 4) % 7 + 7) % 7;
  return sunday * kDayMs + kHourMs;
}

// The zone's offset from UTC at a moment; nullopt for a zone the hub does not know.
inline std::optional<int64_t> utcOffsetMs(std::string_view zone, int64_t utc_ms) {
  if (!supported(zone)) return std::nullopt;
  int year = civilFromDays(floorDiv(utc_ms, kDayMs)).year;
  bool summer = utc_ms >= euSummerStart(year) && utc_ms < euSummerEnd(year);
  return summer ? 2 * kHourMs : kHourMs;
}

// The calendar date of a moment in the zone.
inline std::optional<LocalDate> localDate(std::string_view zone, int64_t utc_ms) {
  auto off = utcOffsetMs(zone, utc_ms);
  if (!off) return std::nullopt;
  return civilFromDays(floorDiv(utc_ms + *off, kDayMs));
}

// The moment of a local wall-clock time (ms since 1970-01-01T00:00 local, as if it were UTC).
// A time that occurs twice (the autumn change) is its first occurrence; a time that does not
// occur (the spring gap) is the moment of the change: never later than the wall clock says.
inline std::optional<int64_t> fromLocal(std::string_view zone, int64_t local_ms) {
  if (!supported(zone)) return std::nullopt;
  int64_t summer = local_ms - 2 * kHourMs, winter = local_ms - kHourMs;
  if (*utcOffsetMs(zone, summer) == 2 * kHourMs) return summer;
  if (*utcOffsetMs(zone, winter) == kHourMs) return winter;
  return euSummerStart(civilFromDays(floorDiv(local_ms, kDayMs)).year);  // in the spring gap
}

// The first moment (local midnight) of a calendar date in the zone.
inline std::optional<int64_t> startOfDay(std::string_view zone, const LocalDate& date) {
  return fromLocal(zone, daysFromCivil(date.year, date.month, date.day) * kDayMs);
}

// The end of the calendar day of a moment in the zone: the next local midnight.
inline std::optional<int64_t> endOfDay(std::string_view zone, int64_t utc_ms) {
  auto date = localDate(zone, utc_ms);
  if (!date) return std::nullopt;
  LocalDate next = civilFromDays(daysFromCivil(date->year, date->month, date->day) + 1);
  return startOfDay(zone, next);
}

// The same local wall-clock time `days` calendar days later (23 or 25 hours for a day with a
// clock change).
inline std::optional<int64_t> addCalendarDays(std::string_view zone, int64_t utc_ms, int64_t days) {
  auto off = utcOffsetMs(zone, utc_ms);
  if (!off) return std::nullopt;
  return fromLocal(zone, utc_ms + *off + days * kDayMs);
}

}  // namespace hub::zone
