#include "hub/dsig/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "hub/core/error_codes.h"
#include "hub/dsig/signer.h"
#include "tests/unit/dsig/test_pki.h"

namespace hub::dsig {
namespace {

using ::testing::HasSubstr;
using testing::readText;
using testing::TestPki;

constexpr const char* kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr const char* kIncC14n = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
constexpr const char* kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
constexpr const char* kSha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
constexpr const char* kSha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
constexpr const char* kRsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
constexpr const char* kRsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";

std::string reference(const std::string& digest, const std::vector<std::string>& transforms) {
  std::string r = "<Reference URI=\"\"><Transforms>";
  for (const auto& t : transforms) r += "<Transform Algorithm=\"" + t + "\"/>";
  return r + "</Transforms><DigestMethod Algorithm=\"" + digest + "\"/><DigestValue/></Reference>";
}

// Signs a hand-written template with the xmlsec1 CLI: a correctly signed document whose shape
// our Verifier may still refuse. Returns "" when the CLI failed.
std::string cliSigned(const std::string& sign_method, const std::string& refs) {
  const std::string tmpl =
      "<?xml version=\"1.0\"?>\n<doc><a>x</a><Signature "
      "xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><CanonicalizationMethod "
      "Algorithm=\"" +
      std::string(kExcC14n) + "\"/><SignatureMethod Algorithm=\"" + sign_method + "\"/>" + refs +
      "</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data>"
      "</KeyInfo></Signature></doc>\n";
  const std::string in = TestPki::path("tmpl.xml");
  const std::string out = TestPki::path("cli-signed.xml");
  std::ofstream(in) << tmpl;
  std::remove(out.c_str());
  if (testing::run("xmlsec1 --sign --privkey-pem " + TestPki::path("rsa.key") + "," +
                   TestPki::path("rsa.pem") + " --output " + out + " " + in) != 0) {
    return {};
  }
  return readText(out);
}

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(TestPki::dir().empty());
    auto v = Verifier::create({TestPki::path("ca.pem")});
    ASSERT_TRUE(v.has_value()) << v.error().message;
    verifier_ = *v;
  }
  void expectRefused(const std::string& xml, const std::string& why) {
    auto r = verifier_->verify(xml);
    ASSERT_FALSE(r.has_value()) << xml;
    EXPECT_EQ(r.error().code, errc::kVerify);
    EXPECT_THAT(r.error().message, HasSubstr(why));
  }
  std::shared_ptr<const Verifier> verifier_;
};

TEST_F(VerifierTest, CliSignedDocumentOfTheRightShapeVerifies) {
  const std::string xml = cliSigned(kRsaSha256, reference(kSha256, {kEnveloped, kExcC14n}));
  ASSERT_FALSE(xml.empty());
  auto r = verifier_->verify(xml);
  EXPECT_TRUE(r.has_value()) << r.error().message;
}

TEST_F(VerifierTest, RefusesOtherTransformsDigestsAndMethods) {
  const std::string inclusive = cliSigned(kRsaSha256, reference(kSha256, {kEnveloped, kIncC14n}));
  ASSERT_FALSE(inclusive.empty());
  expectRefused(inclusive, "algorithm not allowed");
  const std::string no_c14n = cliSigned(kRsaSha256, reference(kSha256, {kEnveloped}));
  ASSERT_FALSE(no_c14n.empty());
  expectRefused(no_c14n, "Reference transforms must be exactly enveloped-signature");
  const std::string sha1 = cliSigned(kRsaSha256, reference(kSha1, {kEnveloped, kExcC14n}));
  ASSERT_FALSE(sha1.empty());
  expectRefused(sha1, "algorithm not allowed");
  const std::string rsa_sha1 = cliSigned(kRsaSha1, reference(kSha256, {kEnveloped, kExcC14n}));
  ASSERT_FALSE(rsa_sha1.empty());
  expectRefused(rsa_sha1, "algorithm not allowed");
}

TEST_F(VerifierTest, RefusesTwoReferences) {
  const std::string ref = reference(kSha256, {kEnveloped, kExcC14n});
  const std::string xml = cliSigned(kRsaSha256, ref + ref);
  ASSERT_FALSE(xml.empty());
  expectRefused(xml, "expected exactly one Reference, found 2");
}

TEST_F(VerifierTest, NeedsExactlyOneSignatureChildOfTheRoot) {
  auto signer = Signer::load(TestPki::path("rsa.key"), TestPki::path("rsa.pem"));
  ASSERT_TRUE(signer.has_value());
  auto doc = xml::Document::parseTrusted("<doc><a>x</a></doc>");
  auto signed_xml = (*signer)->sign(*doc);
  ASSERT_TRUE(signed_xml.has_value());
  ASSERT_TRUE(verifier_->verify(*signed_xml).has_value());
  expectRefused("<doc><a>x</a></doc>", "found 0");
  const size_t start = signed_xml->find("<Signature");
  const size_t end = signed_xml->find("</Signature>") + std::string("</Signature>").size();
  std::string twice = *signed_xml;
  twice.insert(end, signed_xml->substr(start, end - start));
  expectRefused(twice, "found 2");
  std::string nested = *signed_xml;
  nested.insert(nested.find("<a>"), "<wrap>");
  nested.insert(nested.find("</doc>"), "</wrap>");
  expectRefused(nested, "found 0");
}

TEST_F(VerifierTest, RefusesDtdAndGarbage) {
  expectRefused("<!DOCTYPE doc [<!ENTITY e \"x\">]><doc>&e;</doc>", "forbidden_dtd");
  expectRefused("not xml", "not_xml");
}

TEST(VerifierCreate, NeedsTrustedCertificates) {
  EXPECT_FALSE(Verifier::create({}).has_value());
  auto missing = Verifier::create({"/nonexistent/ca.pem"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, errc::kConfig);
  EXPECT_THAT(missing.error().message, HasSubstr("/nonexistent/ca.pem"));
  ASSERT_FALSE(TestPki::dir().empty());
  auto bundle = Verifier::create(
      {readText(TestPki::path("other-ca.pem")) + readText(TestPki::path("ca.pem"))});
  EXPECT_TRUE(bundle.has_value());
}

}  // namespace
}  // namespace hub::dsig
