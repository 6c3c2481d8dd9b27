#include "hub/xml/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "hub/core/error_codes.h"
#include "hub/xml/json_to_xml.h"
#include "tests/unit/xml/xml_test_support.h"

namespace hub::xml {
namespace {

using testing::exampleEventJson;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::sourcePath;

class EventSchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = Schema::load(sourcePath(testing::kEventXsd));
    ASSERT_TRUE(s.has_value()) << s.error().message;
    schema_ = *s;
  }
  static void TearDownTestSuite() { schema_.reset(); }

  // Replaces the first occurrence of `from` in the example JSON, converts and validates.
  static Result<void> validateEdited(const std::string& from, const std::string& to) {
    std::string json = exampleEventJson();
    const size_t pos = json.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) json.replace(pos, from.size(), to);
    auto xml = jsonToXml(json);
    EXPECT_TRUE(xml.has_value()) << xml.error().message;
    auto doc = Document::parseTrusted(*xml);
    EXPECT_TRUE(doc.has_value());
    return schema_->validate(*doc);
  }

  static std::shared_ptr<const Schema> schema_;
};
std::shared_ptr<const Schema> EventSchemaTest::schema_;

TEST_F(EventSchemaTest, AcceptsExample) { EXPECT_TRUE(validateEdited("{", "{").has_value()); }

TEST_F(EventSchemaTest, AcceptsExampleWithoutOptionalFields) {
  std::string json = exampleEventJson();
  auto drop = [&json](const std::string& start, const std::string& end) {
    const size_t a = json.find(start);
    ASSERT_NE(a, std::string::npos) << start;
    const size_t b = json.find(end, a);
    ASSERT_NE(b, std::string::npos) << end;
    json.erase(a, b + end.size() - a);
  };
  drop("\"voorvoegsel\"", ",");
  drop("\"adres\"", "},");
  drop("\"verblijfplaats\"", "}\n    },");
  drop(",\n  \"contactpersoon\"", "}");
  auto xml = jsonToXml(json);
  ASSERT_TRUE(xml.has_value()) << xml.error().message << "\n" << json;
  EXPECT_THAT(*xml, Not(HasSubstr("voorvoegsel")));
  EXPECT_THAT(*xml, Not(HasSubstr("adres")));
  EXPECT_THAT(*xml, Not(HasSubstr("contactpersoon")));
  auto doc = Document::parseTrusted(*xml);
  ASSERT_TRUE(doc.has_value());
  auto r = schema_->validate(*doc);
  EXPECT_TRUE(r.has_value()) << r.error().message;
}

TEST_F(EventSchemaTest, EmptyVoorvoegselIsAccepted) {
  EXPECT_TRUE(validateEdited("\"van\"", "\"\"").has_value());
}

TEST_F(EventSchemaTest, BsnMustBeNineDigitsAndIsNeverEchoed) {
  auto r = validateEdited("\"999990019\"", "\"12345\"");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kSchemaViolation);
  EXPECT_THAT(r.error().message, HasSubstr("/event/betrokkene/bsn: "));
  EXPECT_THAT(r.error().message, HasSubstr("line 1: "));
  EXPECT_THAT(r.error().message, Not(HasSubstr("12345")));
  auto r2 = validateEdited("\"999990019\"", "\"9999900190\"");
  ASSERT_FALSE(r2.has_value());
  EXPECT_THAT(r2.error().message, Not(HasSubstr("9999900190")));
}

TEST_F(EventSchemaTest, DatesAreTyped) {
  auto r = validateEdited("\"1987-03-14\"", "\"14-03-1987\"");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/betrokkene/geboortedatum: "));
  EXPECT_THAT(r.error().message, Not(HasSubstr("14-03-1987")));
  auto r2 = validateEdited("\"2026-11-21T23:40:00+01:00\"", "\"2026-11-21 23:40\"");
  ASSERT_FALSE(r2.has_value());
  EXPECT_THAT(r2.error().message, HasSubstr("/event/besluit/datumTijd: "));
  auto r3 = validateEdited("\"2026-11-21T23:40:00+01:00\"", "\"2026-11-21T23:40:00\"");
  EXPECT_FALSE(r3.has_value()) << "a decision time without a UTC offset";
}

TEST_F(EventSchemaTest, ZaaknummerIsRequired) {
  auto r = validateEdited("\"zaaknummer\": \"CM-0344-2026-000123\",", "");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/besluit: "));
  EXPECT_THAT(r.error().message, HasSubstr("zaaknummer"));
}

TEST_F(EventSchemaTest, VerplichteZorgIsAClosedList) {
  EXPECT_TRUE(validateEdited("\"code\": \"j\"", "\"code\": \"k\"").has_value());
  auto r = validateEdited("\"code\": \"j\"", "\"code\": \"l\"");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/verplichteZorg/code: "));
  auto none = validateEdited("\"verplichteZorg\": [", "\"verplichteZorgX\": [");
  EXPECT_FALSE(none.has_value());
}

TEST_F(EventSchemaTest, UnknownElementsAreRejected) {
  auto r = validateEdited("\"toestemmingPvp\": true", "\"toestemmingPvp\": true, \"extra\": 1");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/betrokkene/extra: "));
  auto top = validateEdited("\"zaaknummer\"", "\"onbekend\": 1, \"zaaknummer\"");
  EXPECT_FALSE(top.has_value());
}

TEST_F(EventSchemaTest, NullIsNotAccepted) {
  auto r = validateEdited("\"van\"", "null");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/betrokkene/voorvoegsel"));
}

TEST_F(EventSchemaTest, ListsSeveralErrors) {
  std::string json = exampleEventJson();
  auto r = validateEdited("\"0344\"", "\"34\"");
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, HasSubstr("/event/besluit/gemeente/code"));
}

TEST(Schema, LoadErrorsNameFileAndLine) {
  const std::string path = ::testing::TempDir() + "/broken.xsd";
  {
    std::ofstream out(path);
    out << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
           "  <xs:element name=\"a\" type=\"NoSuchType\"/>\n"
           "</xs:schema>\n";
  }
  auto r = Schema::load(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kConfig);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("line 2"));
  auto missing = Schema::load("/nonexistent/x.xsd");
  ASSERT_FALSE(missing.has_value());
  EXPECT_THAT(missing.error().message, HasSubstr("/nonexistent/x.xsd"));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hub::xml
