#include "hub/dsig/signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/dsig/verifier.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/schema.h"
#include "hub/xml/stylesheet.h"
#include "tests/unit/dsig/test_pki.h"

namespace hub::dsig {
namespace {

using ::testing::HasSubstr;
using testing::readText;
using testing::TestPki;

std::string source(const std::string& rel) { return std::string(KETENHUB_SOURCE_DIR) + "/" + rel; }

// The example event mapped to the OM product, ready to sign.
xml::Document mappedProduct() {
  static const auto xsl =
      xml::Stylesheet::load(source("mappings/om/kennisgeving-crisismaatregel.xsl"));
  EXPECT_TRUE(xsl.has_value()) << xsl.error().message;
  auto json = readText(source("tests/unit/xml/testdata/wvggz.crisismaatregel.genomen.json"));
  auto event = xml::Document::parseTrusted(*xml::jsonToXml(json));
  auto product = (*xsl)->apply(*event, {{"message-id", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01"},
                                        {"case-id", "CM-0344-2026-000123"},
                                        {"delivery-id", "d-1"},
                                        {"sent-at", "2026-11-21T23:41:00Z"},
                                        {"sender-oin", "00000099000000000001"},
                                        {"sender-name", "Gemeente Test"},
                                        {"receiver", "om"}});
  EXPECT_TRUE(product.has_value()) << product.error().message;
  return std::move(*product);
}

std::string writeTemp(const std::string& name, const std::string& content) {
  const std::string path = TestPki::path(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

int xmlsecCliVerify(const std::string& file, const std::string& ca) {
  return testing::run("xmlsec1 --verify --trusted-pem " + ca + " --enabled-reference-uris empty " +
                      file);
}

class SignerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(TestPki::dir().empty()) << "openssl CLI failed"; }

  static std::shared_ptr<const Signer> signer(const std::string& name) {
    auto s = Signer::load(TestPki::path(name + ".key"), TestPki::path(name + ".pem"));
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s.has_value() ? *s : nullptr;
  }
  static std::shared_ptr<const Verifier> verifier() {
    auto v = Verifier::create({TestPki::path("ca.pem")});
    EXPECT_TRUE(v.has_value()) << v.error().message;
    return *v;
  }
};

TEST_F(SignerTest, RsaSignedProductVerifiesHereAndWithXmlsecCli) {
  auto s = signer("rsa");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->keyAlgorithm(), "rsa-2048");
  xml::Document product = mappedProduct();
  auto signed_xml = s->sign(product);
  ASSERT_TRUE(signed_xml.has_value()) << signed_xml.error().message;
  const std::string& text = *signed_xml;
  EXPECT_THAT(text, HasSubstr("<Reference URI=\"\">"));
  EXPECT_THAT(text, HasSubstr("http://www.w3.org/2000/09/xmldsig#enveloped-signature"));
  EXPECT_THAT(text, HasSubstr("Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\""));
  EXPECT_THAT(text, HasSubstr("http://www.w3.org/2001/04/xmlenc#sha256"));
  EXPECT_THAT(text, HasSubstr("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"));
  EXPECT_THAT(text, HasSubstr("<X509Certificate>MII"));
  EXPECT_NE(text.rfind("</Signature></kennisgevingCrisismaatregel>"), std::string::npos);

  auto info = verifier()->verify(text);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->oin, "00000099000000000001");
  EXPECT_THAT(info->subject, HasSubstr("CN=ketenhub signing"));

  auto schema = xml::Schema::load(source("schemas/om/kennisgeving-crisismaatregel.xsd"));
  ASSERT_TRUE(schema.has_value());
  auto reparsed = xml::Document::parseUntrusted(text);
  ASSERT_TRUE(reparsed.has_value());
  auto valid = (*schema)->validate(*reparsed);
  EXPECT_TRUE(valid.has_value()) << valid.error().message;

  const std::string file = writeTemp("signed-rsa.xml", text);
  EXPECT_EQ(xmlsecCliVerify(file, TestPki::path("ca.pem")), 0);
}

TEST_F(SignerTest, EcdsaSignedProductVerifiesHereAndWithXmlsecCli) {
  auto s = signer("ec");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->keyAlgorithm(), "ecdsa-p256");
  xml::Document product = mappedProduct();
  auto signed_xml = s->sign(product);
  ASSERT_TRUE(signed_xml.has_value()) << signed_xml.error().message;
  EXPECT_THAT(*signed_xml, HasSubstr("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"));
  auto info = verifier()->verify(*signed_xml);
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_EQ(info->oin, "00000099000000000002");
  EXPECT_EQ(xmlsecCliVerify(writeTemp("signed-ec.xml", *signed_xml), TestPki::path("ca.pem")), 0);
}

TEST_F(SignerTest, OneAlteredCharacterFailsBothVerifiers) {
  auto s = signer("rsa");
  ASSERT_TRUE(s);
  xml::Document product = mappedProduct();
  auto signed_xml = s->sign(product);
  ASSERT_TRUE(signed_xml.has_value());
  std::string altered = *signed_xml;
  const size_t pos = altered.find("<geslachtsnaam>Dijk");
  ASSERT_NE(pos, std::string::npos);
  altered[pos + std::string("<geslachtsnaam>").size()] = 'L';
  auto r = verifier()->verify(altered);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kVerify);
  EXPECT_THAT(r.error().message, HasSubstr("invalid"));
  EXPECT_NE(xmlsecCliVerify(writeTemp("altered.xml", altered), TestPki::path("ca.pem")), 0);
}

TEST_F(SignerTest, KeyReadableByOthersIsRefused) {
  const std::string key = writeTemp("open.key", readText(TestPki::path("rsa.key")));
  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  auto r = Signer::load(key, TestPki::path("rsa.pem"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kConfig);
  EXPECT_THAT(r.error().message, HasSubstr(key));
  EXPECT_THAT(r.error().message, HasSubstr("0644"));
  ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
  EXPECT_FALSE(Signer::load(key, TestPki::path("rsa.pem")).has_value());
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  EXPECT_TRUE(Signer::load(key, TestPki::path("rsa.pem")).has_value());
}

TEST_F(SignerTest, WeakOrMismatchedKeysAreRefused) {
  auto weak = Signer::load(TestPki::path("weak.key"), TestPki::path("weak.pem"));
  ASSERT_FALSE(weak.has_value());
  EXPECT_THAT(weak.error().message, HasSubstr("1024 bits"));
  auto mismatch = Signer::load(TestPki::path("rsa.key"), TestPki::path("ec.pem"));
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_THAT(mismatch.error().message, HasSubstr("does not match"));
  EXPECT_FALSE(Signer::load(TestPki::path("missing.key"), TestPki::path("rsa.pem")).has_value());
}

TEST_F(SignerTest, SignatureFromAnotherCaFails) {
  auto s = signer("other");
  ASSERT_TRUE(s);
  xml::Document product = mappedProduct();
  auto signed_xml = s->sign(product);
  ASSERT_TRUE(signed_xml.has_value());
  auto r = verifier()->verify(*signed_xml);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, errc::kVerify);
  EXPECT_THAT(r.error().message, HasSubstr("no trusted signing certificate"));
  EXPECT_NE(xmlsecCliVerify(writeTemp("other.xml", *signed_xml), TestPki::path("ca.pem")), 0);
  // ...and it does verify against its own CA.
  auto own = Verifier::create({readText(TestPki::path("other-ca.pem"))});
  ASSERT_TRUE(own.has_value());
  EXPECT_TRUE((*own)->verify(*signed_xml).has_value());
}

TEST_F(SignerTest, SigningTwiceIsRefused) {
  auto s = signer("rsa");
  ASSERT_TRUE(s);
  xml::Document product = mappedProduct();
  ASSERT_TRUE(s->sign(product).has_value());
  auto again = s->sign(product);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, errc::kSigning);
}

TEST_F(SignerTest, ConcurrentSigningAllVerifies) {
  constexpr int kThreads = 2;
  constexpr int kIterations = 200;
  auto rsa = signer("rsa");
  auto ec = signer("ec");
  ASSERT_TRUE(rsa && ec);
  auto v = verifier();
  const std::string unsigned_xml = mappedProduct().serialize();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const Signer& s = t == 0 ? *rsa : *ec;
      for (int i = 0; i < kIterations; ++i) {
        auto doc = xml::Document::parseTrusted(unsigned_xml);
        auto signed_xml = doc ? s.sign(*doc) : unexpected("x", "parse");
        if (!signed_xml || !v->verify(*signed_xml)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace hub::dsig
