// libxml2's messages about data leave the error sink value-free: every known message shape is
// rebuilt from its fixed text (schema text and numbers kept), an unknown shape loses everything
// quoted, and no control character passes. Checked on the raw libxml2 texts and on the real
// parser and validator fed values that carry names, BSNs, CR/LF, ANSI escapes and forged JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/error_sink.h"
#include "hub/xml/schema.h"

namespace hub::xml {
namespace {

using internal::valueFreeMessage;
using ::testing::HasSubstr;
using ::testing::Not;

// A value that carries everything at once, including libxml2's own separators (a value that tries
// to end itself early) and quotes.
const std::string kHostile =
    "Pieter Jan van Dijk\r\n999990019 O'Brien ' is not accepted by the pattern '\x1b[31m\","
    "\"level\":\"error\",\"msg\":\"x";

// Fragments (4 bytes or more) of the hostile values that must never show.
const std::vector<std::string> kFragments = {"Piet", "Dijk", " van", "9999",  "0019",
                                             "Brie", "[31m", "leve", "msg\"", "\",\""};

void expectClean(const std::string& msg) {
  for (const std::string& f : kFragments) EXPECT_THAT(msg, Not(HasSubstr(f))) << msg;
  for (unsigned char c : msg) EXPECT_TRUE(c >= 0x20 && c != 0x7f) << msg;
}

struct Case {
  std::string raw;
  std::string prefix;
  std::string expect;
};

TEST(ValueFreeMessage, KnownSchemaShapesKeepTheRuleAndDropTheValue) {
  const std::string& v = kHostile;
  const std::vector<Case> cases = {
      {"Element 'naam': [facet 'pattern'] The value '" + v +
           "' is not accepted by the pattern '\\S(.*\\S)?'.\n",
       "Element 'naam': ",
       "[facet 'pattern'] the value is not accepted by the pattern '\\S(.*\\S)?'"},
      {"Element 'code': [facet 'enumeration'] The value '" + v +
           "' is not an element of the set {'a', 'b'}.\n",
       "Element 'code': ",
       "[facet 'enumeration'] the value is not an element of the set {'a', 'b'}"},
      {"Element 'naam': [facet 'maxLength'] The value has a length of '230'; this exceeds the "
       "allowed maximum length of '200'.\n",
       "Element 'naam': ",
       "[facet 'maxLength'] the length of the value exceeds the allowed maximum length of '200'"},
      {"Element 'c', attribute 'al': [facet 'maxLength'] The value '" + v +
           "' has a length of '6'; this exceeds the allowed maximum length of '3'.\n",
       "Element 'c', attribute 'al': ",
       "[facet 'maxLength'] the length of the value exceeds the allowed maximum length of '3'"},
      {"Element 'm': [facet 'minLength'] The value has a length of '0'; this underruns the allowed "
       "minimum length of '1'.\n",
       "Element 'm': ",
       "[facet 'minLength'] the length of the value underruns the allowed minimum length of '1'"},
      {"Element 'bsn': [facet 'length'] The value has a length of '10'; this differs from the "
       "allowed length of '9'.\n",
       "Element 'bsn': ",
       "[facet 'length'] the length of the value differs from the allowed length of '9'"},
      {"Element 'i': [facet 'minInclusive'] The value '" + v +
           "' is less than the minimum value allowed ('5').\n",
       "Element 'i': ",
       "[facet 'minInclusive'] the value is less than the minimum value allowed ('5')"},
      {"Element 'i': [facet 'maxInclusive'] The value '" + v +
           "' is greater than the maximum value allowed ('9').\n",
       "Element 'i': ",
       "[facet 'maxInclusive'] the value is greater than the maximum value allowed ('9')"},
      {"Element 'i': [facet 'minExclusive'] The value '" + v + "' must be greater than '0'.\n",
       "Element 'i': ", "[facet 'minExclusive'] the value must be greater than '0'"},
      {"Element 'i': [facet 'maxExclusive'] The value '" + v + "' must be less than '10'.\n",
       "Element 'i': ", "[facet 'maxExclusive'] the value must be less than '10'"},
      {"Element 'd': [facet 'totalDigits'] The value '" + v +
           "' has more digits than are allowed ('3').\n",
       "Element 'd': ", "[facet 'totalDigits'] the value has more digits than are allowed ('3')"},
      {"Element 'd': [facet 'fractionDigits'] The value '" + v +
           "' has more fractional digits than are allowed ('1').\n",
       "Element 'd': ",
       "[facet 'fractionDigits'] the value has more fractional digits than are allowed ('1')"},
      {"Element 'c', attribute 'x': [facet 'whiteSpace'] The value '" + v +
           "' is not facet-valid.\n",
       "Element 'c', attribute 'x': ", "[facet 'whiteSpace'] the value is not facet-valid"},
      {"Element 'geboortedatum': '" + v + "' is not a valid value of the atomic type 'xs:date'.\n",
       "Element 'geboortedatum': ", "the value is not a valid value of the atomic type 'xs:date'"},
      {"Element 'b': '" + v + "' is not a valid value of the atomic type 'xs:boolean'.\n",
       "Element 'b': ", "the value is not a valid value of the atomic type 'xs:boolean'"},
      {"Element 'li': '" + v + "' is not a valid value of the list type 'LI'.\n",
       "Element 'li': ", "the value is not a valid value of the list type 'LI'"},
      {"Element 'u': '" + v + "' is not a valid value of the union type 'U'.\n",
       "Element 'u': ", "the value is not a valid value of the union type 'U'"},
      {"Element 'loc': '" + v + "' is not a valid value of the local atomic type.\n",
       "Element 'loc': ", "the value is not a valid value of the local atomic type"},
      {"Element 'f': The actual value '" + v +
           "' does not match the fixed value constraint 'vast'.\n",
       "Element 'f': ", "the value does not match the fixed value constraint 'vast'"},
      {"Element 't', attribute '{http://www.w3.org/2001/XMLSchema-instance}type': The QName value "
       "'" +
           v + "' of the xsi:type attribute does not resolve to a type definition.\n",
       "Element 't', attribute '{http://www.w3.org/2001/XMLSchema-instance}type': ",
       "the QName value of the xsi:type attribute does not resolve to a type definition"},
      {"Element 'item': Duplicate key-sequence ['" + v + "'] in unique identity-constraint 'uq'.\n",
       "Element 'item': ", "duplicate key-sequence in unique identity-constraint 'uq'"},
      {"Element 'item': No match found for key-sequence ['" + v + "', '" + v +
           "'] of keyref 'kr'.\n",
       "Element 'item': ", "no match found for the key-sequence of keyref 'kr'"},
      {"Element 'c', attribute 'Pieter': The attribute 'Pieter' is not allowed.\n",
       "Element 'c', attribute 'Pieter': ", "The attribute is not allowed"},
      {"Element 'c': The attribute 'req' is required but missing.\n",
       "Element 'c': ", "The attribute 'req' is required but missing"},
      {"Element 'besluit': Missing child element(s). Expected is ( zaaknummer ).\n",
       "Element 'besluit': ", "Missing child element(s). Expected is ( zaaknummer )"},
      {"Element 'c3': This element is not expected. Expected is one of ( c1, c2 ).\n",
       "Element 'c3': ", "This element is not expected. Expected is one of ( c1, c2 )"},
      {"Element 'a': Character content other than whitespace is not allowed because the content "
       "type is 'element-only'.\n",
       "Element 'a': ",
       "Character content other than whitespace is not allowed because the content type is "
       "'element-only'"},
      {"Element 'n': The element is not 'nillable'.\n",
       "Element 'n': ", "The element is not 'nillable'"},
      {"Element 'zz': This element is not expected.\n",
       "Element 'zz': ", "This element is not expected"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.raw);
    const std::string out = valueFreeMessage(c.raw, c.prefix);
    EXPECT_EQ(out, c.expect);
    expectClean(out);
  }
}

TEST(ValueFreeMessage, ParserShapesDropInputTextAndNames) {
  const std::string& v = kHostile;
  const std::vector<Case> cases = {
      {"Opening and ending tag mismatch: Pieter line 3 and Dijk\n", "",
       "Opening and ending tag mismatch (the start tag is on line 3)"},
      {"Premature end of data in tag Pieter line 1\n", "",
       "Premature end of data in a tag opened on line 1"},
      {"Couldn't find end of Start Tag Pieter line 1\n", "",
       "Couldn't find the end of a start tag opened on line 1"},
      {"Specification mandates value for attribute Pieter\n", "",
       "Specification mandates a value for an attribute"},
      {"Attribute Pieter redefined\n", "", "An attribute is given twice"},
      {"Namespace prefix Pieter on Dijk is not defined\n", "",
       "The namespace prefix of an element is not defined"},
      {"Namespace prefix Pieter for Jan on Dijk is not defined\n", "",
       "The namespace prefix of an attribute is not defined"},
      {"xmlns:p: '" + v + "' is not a valid URI\n", "",
       "A namespace declaration (xmlns:prefix) is not a valid URI"},
      {"xmlns: '" + v + "' is not a valid URI\n", "",
       "The default namespace declaration (xmlns) is not a valid URI"},
      {"Entity 'Pieter' not defined\n", "", "A reference names an entity that is not defined"},
      {"Comment not terminated \n<!--" + v.substr(0, 50) + "\n", "", "Comment not terminated"},
      {"Double hyphen within comment: <!--" + v.substr(0, 50) + "\n", "",
       "Double hyphen within comment"},
      {"CData section not finished\n" + v.substr(0, 50) + "\n", "", "CData section not finished"},
      {"Input is not proper UTF-8, indicate encoding !\nBytes: 0xFF 0x50 0x69 0x65\n", "",
       "Input is not proper UTF-8, indicate encoding !"},
      {"ParsePI: PI Pieter never end ...\n", "", "ParsePI: a processing instruction never ends"},
      {"Unsupported encoding Pieter\n", "", "Unsupported encoding"},
      {"Failed to parse QName 'Pieter:Jan:'\n", "", "Failed to parse a QName"},
      {"PCDATA invalid Char value 27\n", "", "PCDATA invalid Char value 27"},
      {"Char 0x1B out of allowed range\n", "", "Char 0x1B out of allowed range"},
      {"Start tag expected, '<' not found\n", "", "Start tag expected, '<' not found"},
      {"Extra content at the end of the document\n", "",
       "Extra content at the end of the document"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.raw);
    const std::string out = valueFreeMessage(c.raw, c.prefix);
    EXPECT_EQ(out, c.expect);
    expectClean(out);
  }
}

TEST(ValueFreeMessage, UnknownShapesLoseEverythingQuotedAndEveryExcerpt) {
  EXPECT_EQ(valueFreeMessage("Something new about 'Pieter' and 'Dijk' here.\n"),
            "Something new about '...' here");
  EXPECT_EQ(valueFreeMessage("Something new: '" + kHostile + "' happened\n"),
            "Something new: '...'");
  EXPECT_EQ(valueFreeMessage("New excerpt\n" + kHostile), "New excerpt");
  EXPECT_EQ(valueFreeMessage("Unmatched \"Pieter Jan van Dijk"), "Unmatched '...'");
  EXPECT_EQ(valueFreeMessage("A value of \x1b[31mred\x1b[0m"),
            "A value of [31mred[0m");  // nothing quoted, no excerpt: only the controls go
  // A node prefix that is not the node's: dropped when its names are plain, else quoted away.
  EXPECT_EQ(valueFreeMessage("Element 'x': Something new\n", "Element 'y': "), "Something new");
  EXPECT_EQ(valueFreeMessage("Element '{urn:a'Pieter}x': Something new\n"),
            "Element '...': Something new");
  expectClean(valueFreeMessage("Element '" + kHostile + "': [facet 'pattern'] The value '" +
                               kHostile + "' is not accepted by the pattern 'x'.\n"));
}

TEST(ValueFreeMessage, KeptSchemaTextIsBoundedAndHasNoControls) {
  const std::string set(300, 'a');
  const std::string out = valueFreeMessage(
      "[facet 'enumeration'] The value 'Pieter' is not an element of the set {" + set + "}.\n");
  EXPECT_EQ(out, "[facet 'enumeration'] the value is not an element of the set {" +
                     std::string(200, 'a') + "...}");
  EXPECT_EQ(valueFreeMessage("[facet 'pattern'] The value 'Pieter' is not accepted by the "
                             "pattern '[a-z]\x1b\xc2\x9b+'.\n"),
            "[facet 'pattern'] the value is not accepted by the pattern '[a-z]+'");
  EXPECT_EQ(internal::withoutControls("a\r\nb\x1b[1m\xc2\x9b\x7f"
                                      "c\xc3\xa9"),
            "ab[1mc\xc3\xa9");
}

// The real validator: one schema with every kind of simple-type and structure error, one document
// carrying the hostile value everywhere it can go.
TEST(ValueFreeMessage, RealSchemaValidationMessagesCarryNoValue) {
  const std::string xsd = ::testing::TempDir() + "/value_free.xsd";
  {
    std::ofstream out(xsd);
    out << R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="P"><xs:restriction base="xs:string"><xs:pattern value="[^\r\n]*"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="E"><xs:restriction base="xs:string"><xs:enumeration value="a"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="L"><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="I"><xs:restriction base="xs:integer"><xs:minInclusive value="5"/></xs:restriction></xs:simpleType>
  <xs:element name="r">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="p" type="P"/>
        <xs:element name="e" type="E"/>
        <xs:element name="l" type="L"/>
        <xs:element name="i" type="I"/>
        <xs:element name="d" type="xs:date"/>
        <xs:element name="b" type="xs:boolean"/>
        <xs:element name="f" type="xs:string" fixed="vast"/>
        <xs:element name="c"><xs:complexType><xs:attribute name="at" type="P"/>
          <xs:attribute name="al" type="L"/></xs:complexType></xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>)";
  }
  auto schema = Schema::load(xsd);
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  // As XML text: CR as a character reference (it survives line-end normalisation), the rest as is;
  // ESC cannot be in XML at all, so the hostile text here is the value less its controls.
  std::string text;
  for (char c : kHostile) {
    if (c == '\r') {
      text += "&#13;";
    } else if (c == '\x1b') {
      continue;
    } else if (c == '"') {
      text += "&quot;";
    } else {
      text += c;
    }
  }
  const std::string one_element_each[] = {"p", "e", "l", "i", "d", "b", "f"};
  for (const std::string& wrong : one_element_each) {
    std::string doc_text = "<r>";
    for (const std::string& name : one_element_each) {
      const std::string ok = name == "p"   ? "x"
                             : name == "e" ? "a"
                             : name == "l" ? "abc"
                             : name == "i" ? "7"
                             : name == "d" ? "2026-01-02"
                             : name == "b" ? "true"
                                           : "vast";
      doc_text += "<" + name + ">" + (name == wrong ? text : ok) + "</" + name + ">";
    }
    doc_text += "<c at=\"" + text + "\" al=\"" + text + "\"/></r>";
    auto doc = Document::parseUntrusted(doc_text);
    ASSERT_TRUE(doc.has_value()) << doc.error().message;
    auto r = (*schema)->validate(*doc);
    ASSERT_FALSE(r.has_value()) << wrong;
    SCOPED_TRACE(r.error().message);
    EXPECT_EQ(r.error().code, errc::kSchemaViolation);
    EXPECT_THAT(r.error().message, HasSubstr("/r/" + wrong + ": "));
    EXPECT_THAT(r.error().message, HasSubstr("/r/c/@at: [facet 'pattern'] the value is not "
                                             "accepted by the pattern '[^\\r\\n]*'"));
    EXPECT_THAT(r.error().message, HasSubstr("/r/c/@al: [facet 'maxLength'] the length of the "
                                             "value exceeds the allowed maximum length of '3'"));
    expectClean(r.error().message);
  }
}

// The real parser: malformed documents whose broken part is personal data.
TEST(ValueFreeMessage, RealParserMessagesCarryNoValue) {
  const std::string inputs[] = {
      "<r><Pieter>x</Dijk></r>",
      "<r><!-- Pieter Jan van Dijk 999990019",
      "<r><![CDATA[Pieter Jan van Dijk 999990019",
      "<r><a Pieter Jan=\"1\"/></r>",
      "<r xmlns:p=\"Pieter Jan van Dijk 999990019\"/>",
      "<r xmlns=\"Pieter Jan van Dijk 999990019\"/>",
      "<r>&Pieter;</r>",
      "<r>\xff\xfePieter Jan van Dijk</r>",
      "<?xml version=\"1.0\" encoding=\"Pieter-Dijk\"?><r/>",
      "<r><?Pieter Jan van Dijk",
      "<Pieter:Dijk/>",
      "<r a=\"Pieter Jan van Dijk 999990019\" a=\"1\"/>",
      "<r>Pieter Jan van Dijk\x1b[31m</r>",
      "<r a=\"Pieter Jan van Dijk<\"/>",
  };
  for (const std::string& in : inputs) {
    SCOPED_TRACE(in);
    auto parsed = Document::parseUntrusted(in);
    ASSERT_FALSE(parsed.has_value());
    expectClean(parsed.error().message);
    auto checked = Document::checkWellFormed(in);
    ASSERT_FALSE(checked.has_value());
    expectClean(checked.error().message);
  }
}

}  // namespace
}  // namespace hub::xml
