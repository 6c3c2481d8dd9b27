#include "hub/xml/document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hub/core/error_codes.h"

namespace hub::xml {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(Document, ParsesAndSerializesWithDeclaration) {
  auto doc = Document::parseUntrusted("<a x=\"1\"><b>t&amp;</b></a>");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_EQ(doc->rootName(), "a");
  EXPECT_EQ(doc->serialize(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1\"><b>t&amp;</b></a>\n");
  Document moved = std::move(*doc);
  EXPECT_EQ(moved.rootName(), "a");
}

TEST(Document, ElementsAreBoundedWhileParsing) {
  std::string xml = "<a>";
  for (int i = 0; i < 10; ++i) xml += "<b/>";
  xml += "</a>";
  EXPECT_TRUE(Document::parseUntrusted(xml, 1u << 20, 11).has_value());
  auto tree = Document::parseUntrusted(xml, 1u << 20, 10);
  ASSERT_FALSE(tree.has_value());
  EXPECT_EQ(tree.error().code, errc::kTooLarge);
  EXPECT_EQ(tree.error().message, "XML document has more than 10 elements");
  auto check = Document::checkWellFormed(xml, 1u << 20, 10);
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(check.error().code, errc::kTooLarge);
  EXPECT_EQ(check.error().message, "XML document has more than 10 elements");
  // A million tiny elements (4 MB) stop at the default bound instead of becoming a huge tree.
  std::string many = "<a>";
  for (int i = 0; i < 1000000; ++i) many += "<b/>";
  many += "</a>";
  auto m = Document::parseUntrusted(many, 8u << 20);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().message, "XML document has more than 100000 elements");
  EXPECT_TRUE(Document::parseTrusted(many).has_value());  // the hub's own XML is not bounded
}

TEST(Document, RefusesAnyDtd) {
  auto r = Document::parseUntrusted("<!DOCTYPE a><a/>");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kForbiddenDtd);
  auto ext = Document::parseUntrusted("<!DOCTYPE a SYSTEM \"http://example.invalid/a.dtd\"><a/>");
  ASSERT_FALSE(ext.has_value());
  EXPECT_EQ(ext.error().code, errc::kForbiddenDtd);
  auto trusted = Document::parseTrusted("<!DOCTYPE a [<!ELEMENT a ANY>]><a/>");
  ASSERT_FALSE(trusted.has_value());
  EXPECT_EQ(trusted.error().code, errc::kForbiddenDtd);
}

TEST(Document, ExternalEntityIsRefusedAndNeverExpanded) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
      "<x>&e;</x>";
  auto r = Document::parseUntrusted(xxe);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kForbiddenDtd);
  EXPECT_THAT(r.error().message, Not(HasSubstr("root:")));
}

TEST(Document, BillionLaughsIsRefused) {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n<lolz>&lol9;</lolz>";
  auto r = Document::parseUntrusted(bomb);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kForbiddenDtd);
}

TEST(Document, MalformedNamesLineAndColumn) {
  auto r = Document::parseUntrusted("<a>\n  <b>\n</a>");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kNotXml);
  EXPECT_THAT(r.error().message, StartsWith("line 3 col "));
  EXPECT_THAT(r.error().message, HasSubstr("mismatch"));
  auto empty = Document::parseUntrusted("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, errc::kNotXml);
  auto text = Document::parseUntrusted("just text");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code, errc::kNotXml);
  auto undefined_entity = Document::parseUntrusted("<a>&nbsp;</a>");
  ASSERT_FALSE(undefined_entity.has_value());
  EXPECT_EQ(undefined_entity.error().code, errc::kNotXml);
  auto bad_prefix = Document::parseUntrusted("<p:a/>");
  ASSERT_FALSE(bad_prefix.has_value());
  EXPECT_EQ(bad_prefix.error().code, errc::kNotXml);
}

TEST(Document, TooLarge) {
  auto r = Document::parseUntrusted("<a>0123456789</a>", 10);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kTooLarge);
  EXPECT_TRUE(Document::parseUntrusted("<a/>", 4).has_value());
}

TEST(Document, NoNetworkForXInclude) {
  // XInclude is never processed: the element stays an element.
  auto r = Document::parseUntrusted(
      "<a xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"file:///etc/passwd\" "
      "parse=\"text\"/></a>");
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(r->serialize(), HasSubstr("xi:include"));
}

// checkWellFormed gives the same verdict (and error code) as parseUntrusted, without a tree.
TEST(Document, WellFormedCheckAgreesWithParse) {
  std::string bomb = "<!DOCTYPE l [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]><l>&b;</l>";
  const std::vector<std::string> inputs = {
      "<a x=\"1\"><b>t&amp;&#x20AC;</b><!-- c --><?pi x?><![CDATA[<>]]></a>",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p:a xmlns:p=\"urn:p\"><p:b/></p:a>",
      "<!DOCTYPE a><a/>",
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
      bomb,
      "<a>\n  <b>\n</a>",
      "",
      "just text",
      "<a>&nbsp;</a>",
      "<p:a/>",
      "<a/><b/>",
      "<a x=\"1\" x=\"2\"/>",
      "<a>\x01</a>",
      "<a>\xC3</a>",
      "<?xml version=\"1.0\"?>",
  };
  for (const auto& in : inputs) {
    auto parsed = Document::parseUntrusted(in);
    auto checked = Document::checkWellFormed(in);
    ASSERT_EQ(parsed.has_value(), checked.has_value()) << in;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code, checked.error().code) << in;
      EXPECT_EQ(parsed.error().message, checked.error().message) << in;
    }
  }
  auto big = Document::checkWellFormed("<a>0123456789</a>", 10);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, errc::kTooLarge);
}

}  // namespace
}  // namespace hub::xml
