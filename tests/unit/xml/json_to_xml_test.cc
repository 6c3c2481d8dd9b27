#include "hub/xml/json_to_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/schema.h"
#include "tests/unit/xml/xml_test_support.h"

namespace hub::xml {
namespace {

using testing::exampleEventJson;
using ::testing::HasSubstr;
using testing::sourcePath;
using ::testing::StartsWith;

constexpr const char* kRoot = "<event xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";

std::string wrap(const std::string& inner) { return kRoot + inner + "</event>"; }

void expectError(const std::string& json, const char* code, const std::string& starts) {
  auto r = jsonToXml(json);
  ASSERT_FALSE(r.has_value()) << json << " -> " << *r;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_THAT(r.error().message, StartsWith(starts)) << json;
}

TEST(JsonToXml, ExampleConvertsAndValidatesAgainstEventSchema) {
  auto xml = jsonToXml(exampleEventJson());
  ASSERT_TRUE(xml.has_value()) << xml.error().message;
  auto doc = Document::parseTrusted(*xml);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_EQ(doc->rootName(), "event");
  auto schema = Schema::load(sourcePath(testing::kEventXsd));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  auto valid = (*schema)->validate(*doc);
  EXPECT_TRUE(valid.has_value()) << valid.error().message;
  EXPECT_THAT(*xml, HasSubstr("<verplichteZorg><code>j</code>"));
  EXPECT_THAT(*xml, HasSubstr("<toestemmingPvp>true</toestemmingPvp>"));
}

TEST(JsonToXml, ObjectsArraysAndScalars) {
  auto r = jsonToXml(R"({"a":{"b":"x","c":[1,2]},"d":true,"e":false})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, wrap("<a><b>x</b><c>1</c><c>2</c></a><d>true</d><e>false</e>"));
}

TEST(JsonToXml, ArrayOfObjects) {
  auto r = jsonToXml(R"({"z":[{"code":"a"},{"code":"b"}]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, wrap("<z><code>a</code></z><z><code>b</code></z>"));
}

TEST(JsonToXml, NumbersKeepTheirText) {
  auto r = jsonToXml(R"({"a":1.50,"b":1E3,"c":-0,"d":123456789012345678901234567890,"e":-7,)"
                     R"("f":18446744073709551615,"g":0.1e-2})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, wrap("<a>1.50</a><b>1E3</b><c>-0</c><d>123456789012345678901234567890</d>"
                     "<e>-7</e><f>18446744073709551615</f><g>0.1e-2</g>"));
}

TEST(JsonToXml, NullIsNil) {
  auto r = jsonToXml(R"({"a":null,"b":[null,1]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, wrap(R"(<a xsi:nil="true"/><b xsi:nil="true"/><b>1</b>)"));
  ASSERT_TRUE(Document::parseTrusted(*r).has_value());
}

TEST(JsonToXml, EmptyArrayIsMarkedAndDiffersFromAbsent) {
  auto r = jsonToXml(R"({"a":[],"b":{}, "c":""})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, wrap(R"(<a json:array="empty" xmlns:json="urn:ketenhub:json"/><b></b><c></c>)"));
  ASSERT_TRUE(Document::parseTrusted(*r).has_value());
}

TEST(JsonToXml, EscapesMarkupAndKeepsCarriageReturn) {
  auto r = jsonToXml(R"({"a":"<b> & \"q\" 'x' ]]> \r\n\t é €"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, wrap("<a>&lt;b&gt; &amp; \"q\" 'x' ]]&gt; &#13;\n\t é €</a>"));
  auto doc = Document::parseTrusted(*r);
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
}

TEST(JsonToXml, TopLevelMustBeAnObject) {
  expectError("[1]", errc::kInvalidInput, "(root): top level must be a JSON object");
  expectError("\"x\"", errc::kInvalidInput, "(root): top level must be a JSON object");
  expectError("42", errc::kInvalidInput, "(root): top level must be a JSON object");
}

TEST(JsonToXml, NotJsonNamesPositionAndPointer) {
  auto r = jsonToXml("{\n  \"a\": {\"b\": tru }\n}");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kNotJson);
  EXPECT_THAT(r.error().message, StartsWith("/a/b: not JSON at line 2"));
  EXPECT_THAT(r.error().message, HasSubstr("(byte "));
  expectError("", errc::kNotJson, "(root): not JSON");
  expectError("{\"a\":1,}", errc::kNotJson, "(root): not JSON");
  expectError("{\"a\":NaN}", errc::kNotJson, "/a: not JSON");
  expectError("{\"a\":1} x", errc::kNotJson, "(root): not JSON");
  expectError("{\"a\":1 /* c */}", errc::kNotJson, "(root): not JSON");
}

// A rejected key may be any text: the message names its object and the rule, never the key.
TEST(JsonToXml, KeysMustBeXmlNames) {
  expectError(R"({"betrokkene":{"voornamen":{"a b":1}}})", errc::kInvalidInput,
              "/betrokkene/voornamen: a key that is not an XML name");
  expectError(R"({"1a":1})", errc::kInvalidInput, "(root): a key that is not an XML name");
  expectError(R"({"":1})", errc::kInvalidInput, "(root): a key that is empty");
  expectError(R"({"a:b":1})", errc::kInvalidInput, "(root): a key that contains ':'");
  expectError(R"({"XmLfoo":1})", errc::kInvalidInput, "(root): a key that starts with 'xml'");
  expectError(R"({"x":[{"<y>":1}]})", errc::kInvalidInput, "/x/0: a key that is not");
  // JSON escapes: CR/LF, an ANSI escape (ESC is no XML character), a forged log line.
  for (const char* key :
       {"Pieter Jan van Dijk", "999990019", "Pieter\\r\\nJan", "\\u001b[31mPieter",
        "\\\",\\\"level\\\":\\\"warn", "XmLPieter", "Pieter:Jan"}) {
    auto r = jsonToXml(std::string(R"({"betrokkene":{")") + key + R"(":1}})");
    ASSERT_FALSE(r.has_value()) << key;
    EXPECT_THAT(r.error().message, StartsWith("/betrokkene: a key that ")) << key;
    for (const char* part : {"Piet", "Dijk", "9999", "[31m", "leve", "warn"}) {
      EXPECT_EQ(r.error().message.find(part), std::string::npos) << r.error().message;
    }
  }
  auto ok = jsonToXml(R"({"straße":1,"_a-b.c":2,"x1":3})");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(JsonToXml, DuplicateKeys) {
  expectError(R"({"a":{"b":1,"c":2,"b":3}})", errc::kInvalidInput, "/a: duplicate key 'b'");
  auto ok = jsonToXml(R"({"a":{"b":1},"c":{"b":2}})");
  EXPECT_TRUE(ok.has_value());
}

TEST(JsonToXml, InvalidUtf8) {
  expectError("{\"a\":{\"b\":\"x\xC3\x28\"}}", errc::kInvalidInput,
              "/a/b: string is not valid UTF-8");
  expectError("{\"a\":\"\xED\xA0\x80\"}", errc::kInvalidInput, "/a: string is not valid UTF-8");
  expectError("{\"a\":\"\xC0\xAF\"}", errc::kInvalidInput, "/a: string is not valid UTF-8");
  expectError("{\"\xFF\":1}", errc::kInvalidInput, "(root): a key that is not valid UTF-8");
}

TEST(JsonToXml, CharactersXmlCannotCarry) {
  expectError(R"({"a":["ok","x\u0001"]})", errc::kInvalidInput,
              "/a/1: string contains U+0001, which XML 1.0 cannot carry");
  expectError(R"({"a":"\u0000"})", errc::kInvalidInput, "/a: string contains U+0000");
  expectError(R"({"a":"\uFFFE"})", errc::kInvalidInput, "/a: string contains U+FFFE");
  expectError(R"({"a":"\uFFFF"})", errc::kInvalidInput, "/a: string contains U+FFFF");
  expectError(R"({"a":{"b":"\uD800"}})", errc::kInvalidInput, "/a/b: string contains a lone");
  expectError(R"({"a":"\uDC00x"})", errc::kInvalidInput, "/a: string contains a lone");
  auto ok = jsonToXml(R"({"a":"\uD83D\uDE00 \t"})");  // a valid pair is fine
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(JsonToXml, NumbersOutOfRange) {
  expectError(R"({"a":{"b":1e999}})", errc::kInvalidInput, "/a/b: number out of range");
  expectError(R"({"a":-1e999})", errc::kInvalidInput, "/a: number out of range");
  expectError(R"({"a":[1, 1e-999]})", errc::kInvalidInput, "/a/1: number out of range");
}

TEST(JsonToXml, DepthIsBounded) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < depth; ++i) s += "}";
    return s;
  };
  EXPECT_TRUE(jsonToXml(nested(64)).has_value());
  auto r = jsonToXml(nested(65));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kInvalidInput);
  EXPECT_THAT(r.error().message, HasSubstr("nesting deeper than 64 levels"));
  EXPECT_THAT(r.error().message, StartsWith("/a/a/a/"));
  JsonLimits small{3};
  EXPECT_TRUE(jsonToXml(R"({"a":{"b":[1]}})", small).has_value());
  auto r2 = jsonToXml(R"({"a":{"b":[{"c":1}]}})", small);
  ASSERT_FALSE(r2.has_value());
  EXPECT_THAT(r2.error().message, StartsWith("/a/b/0: nesting deeper than 3"));
  EXPECT_FALSE(jsonToXml(std::string(100000, '[')).has_value());
}

TEST(JsonToXml, ArrayInsideArrayIsRefused) {
  expectError(R"({"a":[1,[2]]})", errc::kInvalidInput, "/a/1: an array directly inside an array");
}

// Each resource bound stops the conversion where it is crossed, with the place and the bound.
TEST(JsonToXml, ElementsAreBounded) {
  JsonLimits limits;
  limits.max_elements = 5;  // the root and four more
  EXPECT_TRUE(jsonToXml(R"({"a":[1,2],"b":null,"c":[]})", limits).has_value());
  auto r = jsonToXml(R"({"a":[1,2,3,4,5]})", limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kTooLarge);
  EXPECT_EQ(r.error().message, "/a/4: more than 5 elements");
  auto nulls = jsonToXml(R"({"a":null,"b":null,"c":null,"d":null,"e":null})", limits);
  ASSERT_FALSE(nulls.has_value());
  EXPECT_EQ(nulls.error().message, "/e: more than 5 elements");
  // A million-element array stops at the default bound, long before its XML is built.
  std::string big = "{\"a\":[1";
  for (int i = 1; i < 1000000; ++i) big += ",1";
  big += "]}";
  auto m = jsonToXml(big);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().message, "/a/9999: more than 10000 elements");
}

TEST(JsonToXml, StringsAndKeysAreBounded) {
  JsonLimits limits;
  limits.max_string_bytes = 8;
  EXPECT_TRUE(jsonToXml(R"({"abcdefgh":"12345678"})", limits).has_value());
  auto s = jsonToXml(R"({"a":"123456789"})", limits);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, errc::kTooLarge);
  EXPECT_EQ(s.error().message, "/a: a string or key longer than 8 bytes");
  auto k = jsonToXml(R"({"abcdefghi":1})", limits);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code, errc::kTooLarge);
  EXPECT_THAT(k.error().message, HasSubstr("a string or key longer than 8 bytes"));
}

TEST(JsonToXml, OutputIsBounded) {
  JsonLimits limits;
  limits.max_output_bytes = 200;
  // A long key repeated in an array grows the XML far beyond the JSON: stopped at the bound.
  const std::string key(40, 'k');
  auto r = jsonToXml("{\"" + key + "\":[1,1,1,1,1,1]}", limits);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kTooLarge);
  EXPECT_EQ(r.error().message, "/" + key + "/1: the XML form exceeds 200 bytes of XML");
  // A long key is cut in messages (at a character boundary), so reasons stay short.
  const std::string longer = std::string(63, 'k') + "\xc3\xa9" + std::string(100, 'k');
  auto cut = jsonToXml("{\"" + longer + "\":[1,1,1]}", limits);
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().message,
            "/" + std::string(63, 'k') + ".../0: the XML form exceeds 200 bytes of XML");
  // Escaping grows text five-fold: checked after escaping as well.
  auto amps = jsonToXml("{\"a\":\"" + std::string(60, '&') + "\"}", limits);
  ASSERT_FALSE(amps.has_value());
  EXPECT_EQ(amps.error().message, "/a: the XML form exceeds 200 bytes of XML");
  EXPECT_TRUE(jsonToXml(R"({"a":"&&"})", limits).has_value());
}

TEST(JsonToXml, DuplicateKeysInALargeObjectAreFoundInLinearTime) {
  std::string obj = "{";
  for (int i = 0; i < 9000; ++i) obj += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  EXPECT_TRUE(jsonToXml(obj + "}").has_value());
  expectError(obj + ",\"k17\":2}", errc::kInvalidInput, "(root): duplicate key 'k17'");
  expectError(R"({"a":1,"b":2,"a":3})", errc::kInvalidInput, "(root): duplicate key 'a'");
}

}  // namespace
}  // namespace hub::xml
