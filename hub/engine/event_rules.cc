#include "hub/engine/event_rules.h"

#include <cctype>
#include <ctime>

#include "hub/core/error_codes.h"
#include "hub/core/zone_time.h"
#include "hub/xml/document_query.h"

namespace hub::engine {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

const char* opText(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEquals:
      return "equals";
    case Condition::Op::kNotEquals:
      return "not_equals";
    case Condition::Op::kPresent:
      return "present";
    case Condition::Op::kAbsent:
      return "absent";
    case Condition::Op::kDeliveredBefore:
      return "delivered_before";
  }
  return "?";
}

// A date (xs:date, YYYY-MM-DD) that exists in the calendar.
std::optional<zone::LocalDate> parseDate(std::string_view s) {
  zone::LocalDate d;
  if (s.size() != 10 || !digits(s, 0, 4, d.year) || s[4] != '-' || !digits(s, 5, 2, d.month) ||
      s[7] != '-' || !digits(s, 8, 2, d.day) || d.month < 1 || d.month > 12 || d.day < 1)
    return std::nullopt;
  zone::LocalDate next = zone::civilFromDays(zone::daysFromCivil(d.year, d.month, d.day));
  if (next.month != d.month) return std::nullopt;  // 31 April, 29 February of a common year
  return d;
}

// A legal deadline counted in a zone: from a date-time or a date (its first moment there), to
// the end of that calendar day or a number of calendar days later.
Result<LegalPeriod> zonedPeriod(const LegalDeadline& legal, const std::string& value) {
  std::optional<int64_t> start = parseRfc3339(value);
  if (!start)
    if (auto date = parseDate(value)) start = zone::startOfDay(legal.zone, *date);
  if (!start)
    return unexpected(errc::kSchemaViolation,
                      legal.from_field + ": not a date or RFC 3339 date-time");
  auto end = legal.end_of_day
                 ? zone::endOfDay(legal.zone, *start)
                 : zone::addCalendarDays(legal.zone, *start, legal.after.count() / zone::kDayMs);
  if (!end) return unexpected(errc::kSchemaViolation, "unsupported time zone " + legal.zone);
  return LegalPeriod{*start, *end};
}

}  // namespace

std::optional<int64_t> parseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, nd = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (scale > 0) ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++nd;
    }
    if (nd == 0) return std::nullopt;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  int64_t t = timegm(&tm);
  return (t - offset_min * 60) * 1000 + ms;
}

bool conditionsHold(const std::vector<Condition>& when, const xml::Document& event,
                    std::string& why) {
  for (const auto& c : when) {
    auto v = xml::elementText(event, c.field);
    bool ok = false;
    switch (c.op) {
      case Condition::Op::kEquals:
        ok = v && *v == c.value;
        break;
      case Condition::Op::kNotEquals:
        ok = !v || *v != c.value;
        break;
      case Condition::Op::kPresent:
        ok = v.has_value();
        break;
      case Condition::Op::kAbsent:
        ok = !v.has_value();
        break;
      case Condition::Op::kDeliveredBefore:
        ok = true;  // the case's history: decided by the store
        break;
    }
    if (!ok) {
      why = std::string("condition ") + c.field + " " + opText(c.op) +
            (c.value.empty() ? "" : " '" + c.value + "'") + " not met (field " +
            (v ? "has another value" : "absent") + ")";
      return false;
    }
  }
  return true;
}

std::vector<PriorDelivery> priorDeliveries(const std::vector<Condition>& when) {
  std::vector<PriorDelivery> out;
  for (const auto& c : when)
    if (c.op == Condition::Op::kDeliveredBefore) out.push_back({c.partner, c.product});
  return out;
}

Result<LegalPeriod> legalPeriod(const LegalDeadline& legal, const xml::Document& event,
                                int64_t received_at_ms) {
  const std::string& field = legal.fixed() ? legal.from_field : legal.at_field;
  auto v = xml::elementText(event, field);
  if (!v) return unexpected(errc::kSchemaViolation, field + ": needed for the legal deadline");
  if (legal.fixed() && !legal.zone.empty()) return zonedPeriod(legal, *v);
  auto t = parseRfc3339(*v);
  // Without a zone, a date (xs:date) counts from its first moment in Dutch time, taken as
  // UTC+02:00 (the earliest offset the Netherlands uses) so that a legal deadline is never
  // computed too late. (With a zone it is that zone's own midnight: zonedPeriod.)
  if (!t && v->size() == 10) t = parseRfc3339(*v + "T00:00:00+02:00");
  if (!t) return unexpected(errc::kSchemaViolation, field + ": not a date or RFC 3339 date-time");
  if (legal.fixed()) return LegalPeriod{*t, *t + legal.after.count()};
  return LegalPeriod{received_at_ms, *t};
}

bool bsnElfproef(std::string_view bsn) {
  if (bsn.size() != 9) return false;
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(bsn[i]))) return false;
    int d = bsn[i] - '0';
    sum += i < 8 ? d * static_cast<int>(9 - i) : -d;
  }
  return sum % 11 == 0 && bsn != "000000000";
}

}  // namespace hub::engine
