#include "hub/engine/event_rules.h"

#include <gtest/gtest.h>

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

}  // namespace
