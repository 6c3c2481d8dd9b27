// The Signer computes digest and signature value itself (libxml2 C14N + OpenSSL). This test holds
// it to xmlsec's own signing (xmlSecDSigCtxSign over the same template): for RSA (PKCS#1 v1.5 is
// deterministic) the signed documents are byte-identical; for ECDSA everything but the random
// signature value is, and both verify.
#include <gtest/gtest.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "hub/dsig/signer.h"
#include "hub/dsig/verifier.h"
#include "hub/dsig/xmlsec_support.h"
#include "hub/xml/document.h"
#include "tests/unit/dsig/test_pki.h"

namespace hub::dsig {
namespace {

using testing::readText;
using testing::TestPki;

// The certificate as Signer writes it: DER, base64, one line.
std::string certificateBase64(const std::string& pem_path) {
  std::string pem = readText(pem_path);
  std::string b64;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("-----", 0) != 0) b64 += line;
  }
  return b64;
}

// Reference: the same template signed by xmlsec itself.
std::string xmlsecSign(const std::string& xml, const std::string& name, bool ecdsa) {
  auto doc = xml::Document::parseTrusted(xml);
  EXPECT_TRUE(doc.has_value());
  xmlDocPtr raw = doc->raw();
  xmlNodePtr root = xmlDocGetRootElement(raw);
  xmlNodePtr sig = xmlSecTmplSignatureCreate(
      raw, xmlSecTransformExclC14NId,
      ecdsa ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, nullptr);
  xmlAddChild(root, sig);
  xmlNodePtr ref =
      xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, nullptr, BAD_CAST "", nullptr);
  xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId);
  xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId);
  xmlNodePtr cert = xmlSecTmplX509DataAddCertificate(
      xmlSecTmplKeyInfoAddX509Data(xmlSecTmplSignatureEnsureKeyInfo(sig, nullptr)));
  const std::string cert_b64 = certificateBase64(TestPki::path(name + ".pem"));
  xmlNodeSetContent(cert, BAD_CAST cert_b64.c_str());
  internal::DSigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr));
  internal::KeyPtr key(xmlSecCryptoAppKeyLoad(TestPki::path(name + ".key").c_str(),
                                              xmlSecKeyDataFormatPem, nullptr, nullptr, nullptr));
  EXPECT_TRUE(key != nullptr);
  internal::handSignKeyToContext(*ctx, std::move(key));
  EXPECT_GE(xmlSecDSigCtxSign(ctx.get(), sig), 0);
  return doc->serialize();
}

std::string ourSign(const std::string& xml, const std::string& name) {
  auto signer = Signer::load(TestPki::path(name + ".key"), TestPki::path(name + ".pem"));
  EXPECT_TRUE(signer.has_value()) << signer.error().message;
  auto doc = xml::Document::parseTrusted(xml);
  EXPECT_TRUE(doc.has_value());
  auto out = (*signer)->sign(*doc);
  EXPECT_TRUE(out.has_value()) << out.error().message;
  return out.value_or("");
}

// Documents that exercise C14N: default and prefixed namespaces (used and unused), attributes in
// need of escaping and ordering, comments and processing instructions inside and outside the root,
// character references, CDATA, non-ASCII text, xml:lang, whitespace-only text, empty elements.
std::vector<std::string> documents() {
  std::vector<std::string> docs;
  docs.push_back(readText(std::string(KETENHUB_SOURCE_DIR) +
                          "/tests/golden/wvggz.crisismaatregel.genomen/om/"
                          "kennisgeving-crisismaatregel.xml"));
  // The golden files are signed already: strip their Signature so they can be signed again.
  docs.back() =
      std::regex_replace(docs.back(), std::regex("\\s*<Signature[\\s\\S]*</Signature>"), "");
  docs.push_back(R"(<?xml version="1.0" encoding="UTF-8"?>
<?app first?>
<!-- before -->
<p:root xmlns:p="urn:a" xmlns:unused="urn:unused" xmlns="urn:default" z="2" a="1&amp;&lt;&quot;">
  <child xml:lang="nl">tekst met é, ß en &#x20AC; &amp; &lt;tags&gt;</child>
  <p:empty/>
  <!-- inside -->
  <?pi data?>
  <q:other xmlns:q="urn:q" q:attr="v" b="	tab and&#10;newline"><![CDATA[<raw> & ]]></q:other>
  <mixed>a<b>b</b>c</mixed>
</p:root>
<!-- after -->
)");
  return docs;
}

class SignerEquivalenceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(TestPki::dir().empty()) << "openssl CLI failed"; }
};

TEST_F(SignerEquivalenceTest, RsaSignatureIsByteIdenticalToXmlsec) {
  for (const auto& xml : documents()) {
    const std::string ours = ourSign(xml, "rsa");
    const std::string reference = xmlsecSign(xml, "rsa", false);
    ASSERT_FALSE(ours.empty());
    EXPECT_EQ(ours, reference);
  }
}

TEST_F(SignerEquivalenceTest, EcdsaSignatureMatchesXmlsecExceptTheRandomValue) {
  auto verifier = Verifier::create({TestPki::path("ca.pem")});
  ASSERT_TRUE(verifier.has_value());
  const std::regex value("<SignatureValue>[^<]*</SignatureValue>");
  for (const auto& xml : documents()) {
    const std::string ours = ourSign(xml, "ec");
    const std::string reference = xmlsecSign(xml, "ec", true);
    EXPECT_EQ(std::regex_replace(ours, value, "<SignatureValue/>"),
              std::regex_replace(reference, value, "<SignatureValue/>"));
    auto ok = (*verifier)->verify(ours);
    EXPECT_TRUE(ok.has_value()) << ok.error().message;
    auto ref_ok = (*verifier)->verify(reference);
    EXPECT_TRUE(ref_ok.has_value()) << ref_ok.error().message;
  }
}

}  // namespace
}  // namespace hub::dsig
