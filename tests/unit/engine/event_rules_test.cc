#include "hub/engine/event_rules.h"

#include <gtest/gtest.h>

#include "hub/core/time_format.h"
#include "hub/core/zone_time.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/xml_runtime.h"

using namespace hub;
using namespace hub::engine;

namespace {

xml::Document eventDoc(const std::string& json) {
  static xml::XmlRuntime runtime;
  return *xml::Document::parseTrusted(*xml::jsonToXml(json));
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseRfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parseRfc3339("1970-01-01T00:00:01.250Z"), 1250);
  EXPECT_EQ(parseRfc3339("2026-11-21T23:40:00+01:00"), 1795300800000LL);
  EXPECT_FALSE(parseRfc3339("2026-11-21"));
  EXPECT_FALSE(parseRfc3339("2026-11-21T23:40:00"));  // no offset
  EXPECT_FALSE(parseRfc3339("2026-13-21T23:40:00Z"));
  EXPECT_FALSE(parseRfc3339("2026-11-21T23:40:00+0100"));
}

TEST(BsnElfproef, KnownTestNumbers) {
  EXPECT_TRUE(bsnElfproef("999990019"));
  EXPECT_TRUE(bsnElfproef("999991772"));
  EXPECT_TRUE(bsnElfproef("999992314"));
  EXPECT_FALSE(bsnElfproef("999990018"));
  EXPECT_FALSE(bsnElfproef("12345678"));
  EXPECT_FALSE(bsnElfproef("00000000a"));
  EXPECT_FALSE(bsnElfproef("000000000"));
}

TEST(Conditions, EqualsPresentAbsentWithReasonsWithoutValues) {
  auto doc = eventDoc(R"({"betrokkene":{"toestemmingPvp":false,"naam":"Geheim"}})");
  Condition consent{"/betrokkene/toestemmingPvp", Condition::Op::kEquals, "true", "r:1"};
  std::string why;
  EXPECT_FALSE(conditionsHold({consent}, doc, why));
  EXPECT_EQ(why,
            "condition /betrokkene/toestemmingPvp equals 'true' not met (field has another value)");
  Condition name{"/betrokkene/naam", Condition::Op::kNotEquals, "Anders", "r:2"};
  EXPECT_TRUE(conditionsHold({name}, doc, why));
  Condition absent{"/betrokkene/bsn", Condition::Op::kAbsent, "", "r:3"};
  EXPECT_TRUE(conditionsHold({absent}, doc, why));
  Condition present{"/betrokkene/bsn", Condition::Op::kPresent, "", "r:4"};
  EXPECT_FALSE(conditionsHold({present}, doc, why));
  EXPECT_NE(why.find("absent"), std::string::npos);
  auto no_consent = eventDoc(R"({"betrokkene":{}})");
  EXPECT_FALSE(conditionsHold({consent}, no_consent, why));
  EXPECT_EQ(why.find("Geheim"), std::string::npos);
}

TEST(LegalDeadline, FromFieldPlusDurationOrAtField) {
  auto doc = eventDoc(
      R"({"besluit":{"datumTijd":"2026-11-21T23:40:00+01:00","geldigTot":"2026-11-24T23:40:00+01:00"}})");
  LegalDeadline lawyer{"/besluit/datumTijd", Millis(24 * 3600000), ""};
  LegalDeadline om{"", Millis(0), "/besluit/geldigTot"};
  auto t0 = *parseRfc3339("2026-11-21T23:40:00+01:00");
  EXPECT_EQ(legalPeriod(lawyer, doc, 5)->deadline_at, t0 + 24 * 3600000);
  EXPECT_EQ(legalPeriod(lawyer, doc, 5)->start_at, t0);
  EXPECT_EQ(legalPeriod(om, doc, 5)->deadline_at, t0 + 3 * 24 * 3600000);
  EXPECT_EQ(legalPeriod(om, doc, 5)->start_at, 5);
  LegalDeadline missing{"/besluit/ontbreekt", Millis(1000), ""};
  auto r = legalPeriod(missing, doc, 5);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/besluit/ontbreekt"), std::string::npos);
}

// --- Legal deadlines in a zone (Europe/Amsterdam, computed from the EU rule) ---

int64_t at(const char* rfc3339) { return *parseRfc3339(rfc3339); }

LegalDeadline endOfDay(const char* from) {
  LegalDeadline l;
  l.from_field = from;
  l.end_of_day = true;
  l.zone = "Europe/Amsterdam";
  return l;
}

LegalDeadline calendarDays(const char* from, int days) {
  LegalDeadline l;
  l.from_field = from;
  l.after = Millis(int64_t{days} * 86'400'000);
  l.zone = "Europe/Amsterdam";
  return l;
}

TEST(ZoneTime, AmsterdamOffsetsFollowTheEuRule) {
  struct Case {
    const char* utc;
    int64_t offset_h;
  } cases[] = {
      {"2026-03-29T00:59:59Z", 1},  // last Sunday of March: CET until 01:00 UTC ...
      {"2026-03-29T01:00:00Z", 2},  // ... then CEST
      {"2026-10-25T00:59:59Z", 2},  // last Sunday of October: CEST until 01:00 UTC ...
      {"2026-10-25T01:00:00Z", 1},  // ... then CET
      {"2027-03-28T01:00:00Z", 2}, {"2027-03-27T12:00:00Z", 1}, {"2026-01-01T00:00:00Z", 1},
      {"2026-07-01T12:00:00Z", 2}, {"2025-10-26T00:30:00Z", 2}, {"2025-10-26T01:30:00Z", 1},
  };
  for (const auto& c : cases)
    EXPECT_EQ(zone::utcOffsetMs("Europe/Amsterdam", at(c.utc)), c.offset_h * 3'600'000) << c.utc;
  EXPECT_FALSE(zone::utcOffsetMs("Europe/Brussels", 0));
  EXPECT_TRUE(zone::supported("Europe/Amsterdam"));
  EXPECT_FALSE(zone::supported("UTC"));
}

TEST(ZoneTime, LocalWallClockTimesAroundTheChanges) {
  auto local = [](int y, int mo, int d, int h, int mi) {
    return zone::daysFromCivil(y, mo, d) * zone::kDayMs + (h * 60 + mi) * 60'000LL;
  };
  const std::string_view ams = "Europe/Amsterdam";
  EXPECT_EQ(zone::fromLocal(ams, local(2026, 3, 29, 1, 59)), at("2026-03-29T00:59:00Z"));
  // 02:30 does not exist on 29 March: the moment of the change (03:00 CEST), never later.
  EXPECT_EQ(zone::fromLocal(ams, local(2026, 3, 29, 2, 30)), at("2026-03-29T01:00:00Z"));
  EXPECT_EQ(zone::fromLocal(ams, local(2026, 3, 29, 3, 0)), at("2026-03-29T01:00:00Z"));
  // 02:30 happens twice on 25 October: the first time (CEST).
  EXPECT_EQ(zone::fromLocal(ams, local(2026, 10, 25, 2, 30)), at("2026-10-25T00:30:00Z"));
  EXPECT_EQ(zone::fromLocal(ams, local(2026, 10, 25, 3, 0)), at("2026-10-25T02:00:00Z"));
}

TEST(LegalDeadline, EndOfDayInAmsterdam) {
  struct Case {
    const char* decision;
    const char* deadline;
    const char* why;
  } cases[] = {
      {"2026-11-21T23:40:00+01:00", "2026-11-21T23:00:00Z", "20 minutes before midnight"},
      {"2026-11-21T23:59:59+01:00", "2026-11-21T23:00:00Z", "one second before midnight"},
      {"2026-11-22T00:00:00+01:00", "2026-11-22T23:00:00Z", "midnight starts a new day"},
      {"2026-11-22T02:05:00+01:00", "2026-11-22T23:00:00Z", "the example IBS"},
      {"2026-11-21T23:30:00Z", "2026-11-22T23:00:00Z", "in UTC, already the next day locally"},
      {"2026-11-22T03:00:00+05:00", "2026-11-21T23:00:00Z", "another offset: 23:00 local"},
      {"2026-07-01T22:30:00Z", "2026-07-02T22:00:00Z", "summer, in UTC: 00:30 CEST next day"},
      {"2026-07-02T12:00:00+02:00", "2026-07-02T22:00:00Z", "summer"},
      // Spring forward (29 March 2026, 02:00 CET -> 03:00 CEST): a day of 23 hours.
      {"2026-03-28T23:59:00+01:00", "2026-03-28T23:00:00Z", "the evening before"},
      {"2026-03-29T00:00:00+01:00", "2026-03-29T22:00:00Z", "the day of 23 hours begins"},
      {"2026-03-29T01:30:00+01:00", "2026-03-29T22:00:00Z", "before the change"},
      {"2026-03-29T03:30:00+02:00", "2026-03-29T22:00:00Z", "after the change"},
      {"2026-03-29T23:59:00+02:00", "2026-03-29T22:00:00Z", "23:59 CEST"},
      // Fall back (25 October 2026, 03:00 CEST -> 02:00 CET): a day of 25 hours.
      {"2026-10-24T23:59:00+02:00", "2026-10-24T22:00:00Z", "the evening before"},
      {"2026-10-25T00:00:00+02:00", "2026-10-25T23:00:00Z", "the day of 25 hours begins"},
      {"2026-10-25T02:30:00+02:00", "2026-10-25T23:00:00Z", "02:30, the first time"},
      {"2026-10-25T02:30:00+01:00", "2026-10-25T23:00:00Z", "02:30, the second time"},
      {"2026-10-25T23:59:00+01:00", "2026-10-25T23:00:00Z", "23:59 CET"},
  };
  for (const auto& c : cases) {
    auto doc = eventDoc(std::string(R"({"besluit":{"datumTijd":")") + c.decision + "\"}}");
    auto p = legalPeriod(endOfDay("/besluit/datumTijd"), doc, 5);
    ASSERT_TRUE(p) << c.why << ": " << p.error().message;
    EXPECT_EQ(p->start_at, at(c.decision)) << c.why;  // the half-time metric counts from here
    EXPECT_EQ(p->deadline_at, at(c.deadline))
        << c.why << ": " << c.decision << " -> " << formatRfc3339Utc(p->deadline_at);
    EXPECT_GT(p->deadline_at, p->start_at) << c.why;
  }
  // A date: the end of that day.
  auto date = eventDoc(R"({"besluit":{"datumTijd":"2026-03-29"}})");
  EXPECT_EQ(legalPeriod(endOfDay("/besluit/datumTijd"), date, 5)->deadline_at,
            at("2026-03-29T22:00:00Z"));
}

// The report's receipt date: the day of receipt is day 1, counted from its first moment in
// Amsterdam; the deadline is the end of the 14th day (local midnight 14 calendar days later).
TEST(LegalDeadline, DaysFromAReceiptDateInAmsterdam) {
  struct Case {
    const char* received;
    const char* start;
    const char* deadline;
  } cases[] = {
      {"2026-11-10", "2026-11-09T23:00:00Z", "2026-11-23T23:00:00Z"},  // the example
      {"2026-03-20", "2026-03-19T23:00:00Z", "2026-04-02T22:00:00Z"},  // across spring forward
      {"2026-10-20", "2026-10-19T22:00:00Z", "2026-11-02T23:00:00Z"},  // across fall back
      {"2026-12-25", "2026-12-24T23:00:00Z", "2027-01-07T23:00:00Z"},  // across the year
      {"2028-02-20", "2028-02-19T23:00:00Z", "2028-03-04T23:00:00Z"},  // a leap year
  };
  for (const auto& c : cases) {
    auto doc = eventDoc(std::string(R"({"melding":{"datumOntvangst":")") + c.received + "\"}}");
    auto p = legalPeriod(calendarDays("/melding/datumOntvangst", 14), doc, 5);
    ASSERT_TRUE(p) << c.received << ": " << p.error().message;
    EXPECT_EQ(p->start_at, at(c.start)) << c.received;
    EXPECT_EQ(p->deadline_at, at(c.deadline)) << c.received;
  }
  // A date-time in a zone: the same wall-clock time whole calendar days later.
  auto doc = eventDoc(R"({"besluit":{"datumTijd":"2026-03-28T12:00:00+01:00"}})");
  EXPECT_EQ(legalPeriod(calendarDays("/besluit/datumTijd", 1), doc, 5)->deadline_at,
            at("2026-03-29T12:00:00+02:00"));
  // Not a date, or a date that does not exist.
  for (const char* bad : {"2026-02-30", "2026-13-01", "10-11-2026", "2026-11-10T12:00"}) {
    auto d = eventDoc(std::string(R"({"melding":{"datumOntvangst":")") + bad + "\"}}");
    auto r = legalPeriod(calendarDays("/melding/datumOntvangst", 14), d, 5);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("/melding/datumOntvangst: not a date"), std::string::npos);
  }
  auto none = eventDoc(R"({"melding":{}})");
  ASSERT_FALSE(legalPeriod(calendarDays("/melding/datumOntvangst", 14), none, 5));
}

TEST(Conditions, DeliveredBeforeIsLeftToTheStore) {
  auto doc = eventDoc(R"({"betrokkene":{"toestemmingPvp":false}})");
  Condition prior;
  prior.op = Condition::Op::kDeliveredBefore;
  prior.partner = "pvp";
  prior.product = "informeren-pvp";
  Condition consent{"/betrokkene/toestemmingPvp", Condition::Op::kEquals, "true", "r:1"};
  std::string why;
  EXPECT_TRUE(conditionsHold({prior}, doc, why));
  EXPECT_FALSE(conditionsHold({prior, consent}, doc, why));
  auto p = priorDeliveries({consent, prior});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].partner, "pvp");
  EXPECT_EQ(p[0].product, "informeren-pvp");
  EXPECT_TRUE(priorDeliveries({consent}).empty());
}

}  // namespace
