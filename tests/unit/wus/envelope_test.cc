// adapters/digikoppeling_wus/wus_envelope.h: the request envelope, and the proof that the signed
// product's enveloped signature survives the embedding.
#include <gtest/gtest.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "hub/dsig/verifier.h"
#include "hub/xml/document.h"
#include "tests/unit/wus/wus_test_env.h"
#include "tools/partner_sim/wus_check.h"

namespace hub::adapters::wus {
namespace {

using hub::wus_testing::kDeliveryId;
using hub::wus_testing::kHubOin;
using hub::wus_testing::kMessageId;

EnvelopeHeaders headers() {
  return {"https://om.example/wus?OIN=00000001003214345000", "urn:ketenhub:om:kennisgeving:1",
          kMessageId, wsaFrom(kHubOin)};
}

std::vector<xmlNode*> elements(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

std::string name(const xmlNode* n) {
  std::string ns = n->ns ? reinterpret_cast<const char*>(n->ns->href) : "";
  return "{" + ns + "}" + reinterpret_cast<const char*>(n->name);
}

std::string text(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  std::string out = reinterpret_cast<const char*>(c);
  xmlFree(c);
  return out;
}

sim::SimRequest simRequest(const std::string& envelope, const std::string& action) {
  sim::SimRequest r;
  r.method = "POST";
  r.target = "/om/wus";
  r.headers = {{"content-type", "text/xml; charset=utf-8"}, {"soapaction", "\"" + action + "\""}};
  r.body = envelope;
  return r;
}

TEST(WusAction, RuleAndValidation) {
  EXPECT_EQ(*wusAction("om", "kennisgeving-crisismaatregel"),
            "urn:ketenhub:om:kennisgeving-crisismaatregel:1");
  EXPECT_FALSE(wusAction("", "p"));
  EXPECT_FALSE(wusAction("om", ""));
  EXPECT_FALSE(wusAction("om", "a:b"));
  EXPECT_FALSE(wusAction("om", "a b"));
  EXPECT_FALSE(wusAction("om\r\n", "p"));
}

TEST(WusMessageId, UrnUuidOfTheDeliveryId) {
  EXPECT_EQ(*wusMessageId(kDeliveryId), kMessageId);
  EXPECT_FALSE(wusMessageId("not-a-uuid"));
  EXPECT_FALSE(wusMessageId("19a47920-8815-5ffa-a8cc-a16b2b6535c"));
  EXPECT_FALSE(wusMessageId("19a47920x8815-5ffa-a8cc-a16b2b6535c3"));
}

TEST(WsaTo, OinOnlyWhenConfigured) {
  EXPECT_EQ(wsaTo("https://om.example/wus", ""), "https://om.example/wus");
  EXPECT_EQ(wsaTo("https://om.example/wus", "00000001003214345000"),
            "https://om.example/wus?OIN=00000001003214345000");
  EXPECT_EQ(wsaTo("https://om.example/wus?v=2", "00000001003214345000"),
            "https://om.example/wus?v=2&OIN=00000001003214345000");
  EXPECT_EQ(wsaTo("https://om.example/wus#x", "1"), "https://om.example/wus?OIN=1#x");
}

TEST(WsaFrom, AnonymousWithHubOin) {
  EXPECT_EQ(wsaFrom(kHubOin),
            "http://www.w3.org/2005/08/addressing/anonymous?OIN=00000099000000000001");
}

TEST(ProductElement, StripsOnlyTheDeclaration) {
  EXPECT_EQ(*productElement("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x='1'>t</a>\n"),
            "<a x='1'>t</a>");
  EXPECT_EQ(*productElement("\xEF\xBB\xBF<?xml version='1.0'?><a/>"), "<a/>");
  EXPECT_EQ(*productElement("<a/>"), "<a/>");
  EXPECT_FALSE(productElement("<?xml version='1.0' encoding='ISO-8859-1'?><a/>"));
  EXPECT_FALSE(productElement("<?xml version='1.0'?><!DOCTYPE a><a/>"));
  EXPECT_FALSE(productElement("<!-- c --><a/>"));
  EXPECT_FALSE(productElement("text"));
  EXPECT_FALSE(productElement(""));
  EXPECT_FALSE(productElement("<?xml version='1.0'"));
}

TEST(BuildEnvelope, OnlyWsAddressingHeadersAndOneBodyChild) {
  auto env = buildEnvelope(headers(), "<?xml version=\"1.0\"?>\n<p xmlns=\"urn:p\">x</p>\n");
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
  auto doc = xml::Document::parseUntrusted(*env);
  ASSERT_TRUE(doc) << doc.error().message;
  const std::string soap = "{http://schemas.xmlsoap.org/soap/envelope/}";
  const std::string wsa = "{http://www.w3.org/2005/08/addressing}";
  xmlNode* root = xmlDocGetRootElement(doc->raw());
  EXPECT_EQ(name(root), soap + "Envelope");
  auto parts = elements(root);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(name(parts[0]), soap + "Header");
  EXPECT_EQ(name(parts[1]), soap + "Body");
  auto blocks = elements(parts[0]);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(name(blocks[0]), wsa + "To");
  EXPECT_EQ(text(blocks[0]), "https://om.example/wus?OIN=00000001003214345000");
  EXPECT_EQ(name(blocks[1]), wsa + "Action");
  EXPECT_EQ(text(blocks[1]), "urn:ketenhub:om:kennisgeving:1");
  EXPECT_EQ(name(blocks[2]), wsa + "MessageID");
  EXPECT_EQ(text(blocks[2]), kMessageId);
  EXPECT_EQ(name(blocks[3]), wsa + "From");
  auto address = elements(blocks[3]);
  ASSERT_EQ(address.size(), 1u);
  EXPECT_EQ(name(address[0]), wsa + "Address");
  EXPECT_EQ(text(address[0]), wsaFrom(kHubOin));
  // Exactly one child node at all: no whitespace around the product.
  xmlNode* body = parts[1];
  ASSERT_NE(body->children, nullptr);
  EXPECT_EQ(body->children, body->last);
  EXPECT_EQ(name(body->children), "{urn:p}p");
}

TEST(BuildEnvelope, EscapesHeaderValuesAndRefusesControlCharacters) {
  auto h = headers();
  h.to = "https://om.example/wus?a=1&OIN=2";
  auto env = buildEnvelope(h, "<p/>");
  ASSERT_TRUE(env);
  EXPECT_NE(env->find("<wsa:To>https://om.example/wus?a=1&amp;OIN=2</wsa:To>"), std::string::npos);
  h.action = "urn:x\n";
  EXPECT_FALSE(buildEnvelope(h, "<p/>"));
  h = headers();
  h.from.clear();
  EXPECT_FALSE(buildEnvelope(h, "<p/>"));
  EXPECT_FALSE(buildEnvelope(headers(), "<!DOCTYPE p><p/>"));
}

TEST(BuildEnvelope, SameMessageIdOnEveryRetry) {
  const std::string product = "<p/>";
  EXPECT_EQ(*buildEnvelope(headers(), product), *buildEnvelope(headers(), product));
}

// The proof: the product is embedded byte for byte, and the Body child, taken out of the
// envelope as a document of its own (as the partner-sim and a Digikoppeling receiver do), still
// verifies with hub::dsig::Verifier and with the xmlsec1 CLI.
TEST(BuildEnvelope, SignatureSurvivesTheEnvelope) {
  const std::string signed_product = hub::wus_testing::signedProduct();
  ASSERT_FALSE(signed_product.empty());
  auto verifier = dsig::Verifier::create({hub::wus_testing::pkiDir() + "/ca.pem"});
  ASSERT_TRUE(verifier) << verifier.error().message;
  ASSERT_TRUE((*verifier)->verify(signed_product));

  auto env = buildEnvelope(headers(), signed_product);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_NE(env->find(std::string(*productElement(signed_product))), std::string::npos);

  auto wus = sim::checkWusRequest(simRequest(*env, "urn:ketenhub:om:kennisgeving:1"), "om");
  ASSERT_TRUE(wus) << wus.error().code << " " << wus.error().message;
  EXPECT_EQ(wus->delivery_id, kDeliveryId);
  EXPECT_EQ(wus->document.find("schemas.xmlsoap.org"), std::string::npos);
  auto info = (*verifier)->verify(wus->document);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->oin, "00000099000000000001");

  // Independently of hub code: xmlsec1 on the extracted Body child.
  const std::string file = hub::wus_testing::pkiDir() + "/body-child.xml";
  std::ofstream(file) << wus->document;
  const std::string cmd = "xmlsec1 --verify --trusted-pem " + hub::wus_testing::pkiDir() +
                          "/ca.pem " + file + " >/dev/null 2>&1";
  if (std::system("command -v xmlsec1 >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  // And the check is not vacuous: a changed byte inside the embedded product fails.
  std::string tampered = *env;
  tampered.replace(tampered.find("CM-0344"), 7, "CM-0345");
  auto bad = sim::checkWusRequest(simRequest(tampered, "urn:ketenhub:om:kennisgeving:1"), "om");
  ASSERT_TRUE(bad);
  EXPECT_FALSE((*verifier)->verify(bad->document));
}

}  // namespace
}  // namespace hub::adapters::wus
