#include "adapters/print/letter_model_reader.h"

#include <gtest/gtest.h>

#include "hub/core/error_codes.h"
#include "hub/tls/digest.h"
#include "tests/unit/print/print_test_support.h"

namespace hub::adapters::print {
namespace {

constexpr const char* kLetter = R"(<?xml version="1.0" encoding="UTF-8"?>
<letter>
  <sender><line>Ketenhub</line><line>Postbus 1234</line></sender>
  <returnAddress>Retouradres: Postbus 1234, 3500 AA Utrecht</returnAddress>
  <recipient><line>Stichting Patiëntvertrouwenspersoon</line><line>Postbus 9</line></recipient>
  <date>Utrecht, 22 november 2026</date>
  <title>  Informatie   voor de
     patiëntvertrouwenspersoon </title>
  <reference label="Zaaknummer">CM-0344-2026-000123</reference>
  <section><p>Geachte heer, mevrouw,</p></section>
  <section heading="Betrokkene">
    <row label="Naam">Pieter Jan van Dijk</row>
    <p>Een alinea &amp; meer.</p>
    <row label="Leeg"/>
  </section>
  <closing><p>Met vriendelijke groet,</p></closing>
</letter>)";

TEST(LetterModelReader, ReadsTheVocabulary) {
  auto m = parseLetterModel(kLetter);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->sender_lines, (std::vector<std::string>{"Ketenhub", "Postbus 1234"}));
  EXPECT_EQ(m->return_address, "Retouradres: Postbus 1234, 3500 AA Utrecht");
  EXPECT_EQ(m->recipient_lines[0], "Stichting Patiëntvertrouwenspersoon");
  EXPECT_EQ(m->place_date, "Utrecht, 22 november 2026");
  EXPECT_EQ(m->title, "Informatie voor de patiëntvertrouwenspersoon");
  ASSERT_EQ(m->references.size(), 1u);
  EXPECT_EQ(m->references[0].label, "Zaaknummer");
  ASSERT_EQ(m->sections.size(), 2u);
  EXPECT_EQ(m->sections[0].heading, "");
  const auto& s = m->sections[1];
  EXPECT_EQ(s.heading, "Betrokkene");
  ASSERT_EQ(s.blocks.size(), 3u);
  EXPECT_EQ(s.blocks[0].kind, pdf::LetterBlock::Kind::kRow);
  EXPECT_EQ(s.blocks[0].label, "Naam");
  EXPECT_EQ(s.blocks[0].text, "Pieter Jan van Dijk");
  EXPECT_EQ(s.blocks[1].kind, pdf::LetterBlock::Kind::kParagraph);
  EXPECT_EQ(s.blocks[1].text, "Een alinea & meer.");
  EXPECT_EQ(s.blocks[2].text, "");
  EXPECT_EQ(m->closing, (std::vector<std::string>{"Met vriendelijke groet,"}));
}

void expectError(const std::string& xml, const std::string& fragment) {
  auto m = parseLetterModel(xml);
  ASSERT_FALSE(m) << xml;
  EXPECT_NE(m.error().message.find(fragment), std::string::npos)
      << fragment << " | " << m.error().message;
}

TEST(LetterModelReader, RefusesWhatIsNotALetter) {
  const std::string r = "<recipient><line>a</line><line>b</line></recipient>";
  expectError("<brief/>", "root element must be <letter>");
  expectError("<letter><title>t</title></letter>", "<recipient> is missing");
  expectError("<letter>" + r + "</letter>", "<title> is missing");
  expectError("<letter>" + r + "<title/></letter>", "<title> is empty");
  expectError("<letter><recipient><line>a</line></recipient><title>t</title></letter>",
              "needs 2..6 lines");
  expectError("<letter>" + r + "<title>t</title><logo/></letter>", "unexpected <logo>");
  expectError("<letter>" + r + "<title>t</title><section><table/></section></letter>",
              "unexpected <table> in <section>");
  expectError("<letter>" + r + "<title x='1'>t</title></letter>", "unknown attribute 'x'");
  expectError("<letter xmlns='urn:x'>" + r + "<title>t</title></letter>",
              "must not have a namespace");
  expectError("<letter>" + r + "<title>t<b>vet</b></title></letter>", "text only");
  expectError("<letter>" + r + "<title>" + std::string(9000, 'a') + "</title></letter>",
              "too long");
}

constexpr const char* kHead =
    "<letter><recipient><line>a</line><line>b</line></recipient><title>t</title>";

std::string enclosureXml(const std::string& bytes, const std::string& attrs) {
  return "<enclosure " + attrs + ">\n" + testing::base64(bytes) + "\n</enclosure>";
}

std::string attrs(const std::string& bytes, const std::string& file = "besluit.pdf",
                  const std::string& kind = "besluit") {
  return "soort='" + kind + "' title=' kopie van\n het besluit ' bestandsnaam='" + file +
         "' sha256='" + tls::hexEncode(tls::sha256(bytes)) + "'";
}

TEST(LetterModelReader, ReadsEnclosuresCheckingTheirSha256) {
  const std::string a = "%PDF-1.4 eerste", b = "%PDF-1.4 tweede";
  auto m =
      parseLetterModel(std::string(kHead) + enclosureXml(a, attrs(a)) +
                       enclosureXml(b, attrs(b, "mv.pdf", "medische-verklaring")) + "</letter>");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->enclosures.size(), 2u);
  EXPECT_EQ(m->enclosures[0].kind, "besluit");
  EXPECT_EQ(m->enclosures[0].title, "kopie van het besluit");
  EXPECT_EQ(m->enclosures[0].file_name, "besluit.pdf");
  EXPECT_EQ(m->enclosures[0].sha256, tls::hexEncode(tls::sha256(a)));
  EXPECT_EQ(m->enclosures[0].bytes, a);
  EXPECT_EQ(m->enclosures[1].kind, "medische-verklaring");
  EXPECT_EQ(m->enclosures[1].bytes, b);

  // Bytes other than the signed product states: refused, naming the document.
  auto changed =
      parseLetterModel(std::string(kHead) + enclosureXml(a, attrs(a)) +
                       enclosureXml("%PDF-1.4 anders", attrs(b, "mv.pdf", "mv")) + "</letter>");
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, errc::kVerify);
  EXPECT_EQ(changed.error().message,
            "letter model: enclosure 2 (mv, mv.pdf) does not match the SHA-256 the signed product "
            "states");
}

TEST(LetterModelReader, RefusesAFaultyEnclosure) {
  const std::string a = "%PDF-1.4 x";
  const std::string h = kHead;
  expectError(h + "<enclosure " + attrs(a) + ">niet base64!</enclosure></letter>",
              "enclosure 1 (besluit, besluit.pdf) is not base64");
  expectError(h + enclosureXml(a, attrs(a, "../etc/passwd")) + "</letter>",
              "bestandsnaam must be a plain file name");
  expectError(h + enclosureXml(a, attrs(a, "a.pdf", "Besluit!")) + "</letter>", "soort must be");
  expectError(h + enclosureXml(a, "soort='besluit' title='t' bestandsnaam='a.pdf' sha256='12'") +
                  "</letter>",
              "sha256 must be 64 lower-case hex digits");
  expectError(h + enclosureXml(a, attrs(a) + " kleur='rood'") + "</letter>",
              "unknown attribute 'kleur'");
  expectError(h + "<enclosure " + attrs(a) + "><p/></enclosure></letter>", "base64 text only");
  std::string eleven = h;
  for (int i = 0; i < 11; ++i) eleven += enclosureXml(a, attrs(a));
  expectError(eleven + "</letter>", "too many enclosures");
}

TEST(LetterModelReader, ParsesAsUntrusted) {
  auto m = parseLetterModel(
      "<!DOCTYPE letter [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><letter><title>&x;</title>"
      "</letter>");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, "forbidden_dtd");
}

TEST(LetterModelReader, NormalisesSpace) {
  EXPECT_EQ(normalizeSpace("  a \n\t b  "), "a b");
  EXPECT_EQ(normalizeSpace(""), "");
  EXPECT_EQ(normalizeSpace("één"), "één");
}

}  // namespace
}  // namespace hub::adapters::print
