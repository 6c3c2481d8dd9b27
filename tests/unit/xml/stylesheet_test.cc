#include "hub/xml/stylesheet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/schema.h"
#include "tests/unit/xml/xml_test_support.h"

namespace hub::xml {
namespace {

using testing::exampleEventJson;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::sourcePath;

Stylesheet::Params standardParams() {
  return {{"message-id", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01"},
          {"case-id", "CM-0344-2026-000123"},
          {"event-type", "wvggz.crisismaatregel.genomen"},
          {"actor", "burgemeester:0344:j.devries"},
          {"delivery-id", "d-7f1c2a9e-om-kennisgeving"},
          {"sent-at", "2026-11-21T23:41:00Z"},
          {"sender-oin", "00000001002220647000"},
          {"sender-name", "Gemeente Utrecht"},
          {"receiver", "om"}};
}

Document exampleEvent() {
  auto xml = jsonToXml(exampleEventJson());
  EXPECT_TRUE(xml.has_value());
  auto doc = Document::parseTrusted(*xml);
  EXPECT_TRUE(doc.has_value());
  return std::move(*doc);
}

std::string writeTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

class ProductMappingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto xsl = Stylesheet::load(sourcePath(testing::kProductXsl));
    ASSERT_TRUE(xsl.has_value()) << xsl.error().message;
    xsl_ = *xsl;
    auto xsd = Schema::load(sourcePath(testing::kProductXsd));
    ASSERT_TRUE(xsd.has_value()) << xsd.error().message;
    xsd_ = *xsd;
  }
  static void TearDownTestSuite() {
    xsl_.reset();
    xsd_.reset();
  }
  static std::shared_ptr<const Stylesheet> xsl_;
  static std::shared_ptr<const Schema> xsd_;
};
std::shared_ptr<const Stylesheet> ProductMappingTest::xsl_;
std::shared_ptr<const Schema> ProductMappingTest::xsd_;

TEST_F(ProductMappingTest, ExampleMapsToAValidProduct) {
  const Document event = exampleEvent();
  auto product = xsl_->apply(event, standardParams());
  ASSERT_TRUE(product.has_value()) << product.error().message;
  EXPECT_EQ(product->rootName(), "kennisgevingCrisismaatregel");
  auto valid = xsd_->validate(*product);
  EXPECT_TRUE(valid.has_value()) << valid.error().message << "\n" << product->serialize();
  const std::string text = product->serialize();
  EXPECT_THAT(text, HasSubstr("xmlns=\"urn:ketenhub:om:kennisgeving-crisismaatregel:1\""));
  EXPECT_THAT(text, HasSubstr("<messageId>7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01</messageId>"));
  EXPECT_THAT(text, HasSubstr("<oin>00000001002220647000</oin>"));
  EXPECT_THAT(text, HasSubstr("<bsn>999990019</bsn>"));
  // Data minimisation: home address, contact person and consent flag stay home.
  EXPECT_THAT(text, Not(HasSubstr("Oudegracht")));
  EXPECT_THAT(text, Not(HasSubstr("Bakker")));
  EXPECT_THAT(text, Not(HasSubstr("toestemmingPvp")));
  EXPECT_THAT(text, Not(HasSubstr("xmlns:xsi")));
}

TEST_F(ProductMappingTest, ProductSchemaAllowsAnEnvelopedSignatureOnly) {
  auto product = xsl_->apply(exampleEvent(), standardParams());
  ASSERT_TRUE(product.has_value());
  std::string text = product->serialize();
  const std::string close = "</kennisgevingCrisismaatregel>";
  std::string signed_like = text;
  signed_like.insert(signed_like.rfind(close),
                     "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo/>"
                     "</Signature>");
  auto with_sig = Document::parseUntrusted(signed_like);
  ASSERT_TRUE(with_sig.has_value());
  EXPECT_TRUE(xsd_->validate(*with_sig).has_value());
  std::string other = text;
  other.insert(other.rfind(close), "<x xmlns=\"urn:other\"/>");
  auto with_other = Document::parseUntrusted(other);
  ASSERT_TRUE(with_other.has_value());
  EXPECT_FALSE(xsd_->validate(*with_other).has_value());
}

TEST_F(ProductMappingTest, CaseMismatchTerminatesTheMapping) {
  auto params = standardParams();
  params[1].second = "CM-0344-2026-999999";
  auto r = xsl_->apply(exampleEvent(), params);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kMapping);
  EXPECT_THAT(r.error().message, HasSubstr("case-id property does not match"));
}

TEST(Stylesheet, ParamsWithQuotesArePassedAsStrings) {
  const std::string path = writeTemp(
      "params.xsl",
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
      "<xsl:param name=\"p\"/><xsl:param name=\"q\"/>"
      "<xsl:template match=\"/\"><out p=\"{$p}\"><xsl:value-of select=\"$q\"/></out>"
      "</xsl:template></xsl:stylesheet>");
  auto xsl = Stylesheet::load(path);
  ASSERT_TRUE(xsl.has_value()) << xsl.error().message;
  auto in = Document::parseTrusted("<in/>");
  ASSERT_TRUE(in.has_value());
  auto r = (*xsl)->apply(*in, {{"p", "it's \"quoted\" & <b>"}, {"q", "count(//*)"}});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_THAT(r->serialize(),
              HasSubstr("<out p=\"it's &quot;quoted&quot; &amp; &lt;b&gt;\">count(//*)</out>"));
}

TEST(Stylesheet, DocumentFunctionCannotReadFilesAtTransformTime) {
  const std::string data = writeTemp("secret.xml", "<secret>s3cr3t</secret>");
  const std::string path = writeTemp(
      "reader.xsl",
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
      "<xsl:template match=\"/\"><out><xsl:value-of select=\"document('" +
          data + "')\"/></out></xsl:template></xsl:stylesheet>");
  auto xsl = Stylesheet::load(path);
  ASSERT_TRUE(xsl.has_value()) << xsl.error().message;
  auto in = Document::parseTrusted("<in/>");
  auto r = (*xsl)->apply(*in, {});
  if (r.has_value()) {
    EXPECT_THAT(r->serialize(), Not(HasSubstr("s3cr3t")));
  } else {
    EXPECT_EQ(r.error().code, errc::kMapping);
  }
}

TEST(Stylesheet, WritingFilesIsForbidden) {
  const std::string target = ::testing::TempDir() + "/written-by-xslt.txt";
  std::remove(target.c_str());
  const std::string path = writeTemp(
      "writer.xsl",
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" "
      "xmlns:exsl=\"http://exslt.org/common\" extension-element-prefixes=\"exsl\">"
      "<xsl:template match=\"/\"><exsl:document href=\"" +
          target + "\" method=\"text\">x</exsl:document><out/></xsl:template></xsl:stylesheet>");
  auto xsl = Stylesheet::load(path);
  ASSERT_TRUE(xsl.has_value()) << xsl.error().message;
  auto in = Document::parseTrusted("<in/>");
  auto r = (*xsl)->apply(*in, {});
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(std::ifstream(target).good()) << "file was written";
}

TEST(Stylesheet, LoadErrorsNameFileAndLine) {
  const std::string path = writeTemp(
      "broken.xsl",
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">\n"
      "<xsl:template match=\"/\">\n<xsl:value-of select=\"((\"/>\n</xsl:template>\n"
      "</xsl:stylesheet>\n");
  auto r = Stylesheet::load(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kConfig);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  auto malformed = Stylesheet::load(writeTemp("malformed.xsl", "<xsl:stylesheet\n<"));
  ASSERT_FALSE(malformed.has_value());
  EXPECT_THAT(malformed.error().message, HasSubstr("line 2"));
  EXPECT_FALSE(Stylesheet::load("/nonexistent/x.xsl").has_value());
}

TEST(Stylesheet, MessageTerminateIsAMappingError) {
  const std::string path = writeTemp(
      "terminate.xsl",
      "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
      "<xsl:template match=\"/\"><xsl:message terminate=\"yes\">no route for <xsl:value-of "
      "select=\"name(*)\"/></xsl:message></xsl:template></xsl:stylesheet>");
  auto xsl = Stylesheet::load(path);
  ASSERT_TRUE(xsl.has_value());
  auto in = Document::parseTrusted("<in/>");
  auto r = (*xsl)->apply(*in, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kMapping);
  EXPECT_THAT(r.error().message, HasSubstr("no route for in"));
}

TEST_F(ProductMappingTest, ConcurrentTransformAndValidate) {
  constexpr int kThreads = 4;
  constexpr int kIterations = 500;
  const std::string event_xml = *jsonToXml(exampleEventJson());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        auto event = Document::parseTrusted(event_xml);
        auto params = standardParams();
        params[4].second = "d-" + std::to_string(t) + "-" + std::to_string(i);
        auto product = event ? xsl_->apply(*event, params) : unexpected("x", "parse");
        if (!product || !xsd_->validate(*product) ||
            product->serialize().find(params[4].second) == std::string::npos) {
          ++failures;
        }
        auto bad = Document::parseTrusted("<event><zaaknummer>x</zaaknummer></event>");
        if (!bad || xsl_->apply(*bad, params).has_value()) ++failures;  // terminates
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace hub::xml
