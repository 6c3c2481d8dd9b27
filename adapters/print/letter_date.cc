#include "adapters/print/letter_date.h"

#include <chrono>
#include <cstdio>

namespace hub::adapters::print {
namespace {

using namespace std::chrono;

// Unix seconds of 01:00 UTC on the last Sunday of the month.
int64_t lastSundayOneUtc(int year, unsigned month) {
  const sys_days last =
      year_month_day_last(std::chrono::year(year), month_day_last(std::chrono::month(month)));
  const weekday wd(last);
  const sys_days sunday = last - days(wd.c_encoding());  // Sunday is 0
  return duration_cast<seconds>(sunday.time_since_epoch()).count() + 3600;
}

sys_days floorDays(int64_t unix_seconds) { return floor<days>(sys_seconds(seconds(unix_seconds))); }

}  // namespace

int amsterdamOffsetSeconds(int64_t unix_ms) {
  const int64_t s = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  const int y = static_cast<int>(year_month_day(floorDays(s)).year());
  const bool summer = s >= lastSundayOneUtc(y, 3) && s < lastSundayOneUtc(y, 10);
  return summer ? 7200 : 3600;
}

std::string amsterdamDate(int64_t unix_ms) {
  const int64_t s =
      (unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000) + amsterdamOffsetSeconds(unix_ms);
  const year_month_day ymd(floorDays(s));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string pdfDate(int64_t unix_ms) {
  const int64_t s = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  const sys_days d = floorDays(s);
  const year_month_day ymd(d);
  const int64_t rest = s - duration_cast<seconds>(d.time_since_epoch()).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
                static_cast<int>(rest % 60));
  return buf;
}

}  // namespace hub::adapters::print
