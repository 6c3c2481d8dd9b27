#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "adapters/securemail/securemail_options.h"

namespace hub::securemail {
namespace {

using config::Diagnostics;
using config::MapReader;

struct Read {
  ChannelOptionsConstSharedPtr options;
  std::vector<std::string> errors;
};

// Reads `text` as the loader would: the loader's own keys declared first, then ours, then finish.
Read readHub(const std::string& text) {
  Diagnostics diag;
  YAML::Node node = YAML::Load(text);
  MapReader r(node, "hub.yaml", "channels.securemail", diag);
  r.duration("deadline", Millis(0));
  r.integer("concurrency", 4, 1, 64);
  auto o = readSecureMailHubOptions(r, "/etc/ketenhub");
  r.finish();
  return {o, diag.errors()};
}

Read readPartner(const std::string& text) {
  Diagnostics diag;
  YAML::Node node = YAML::Load(text);
  MapReader r(node, "routes/partners.yaml", "partners.om.securemail", diag);
  auto o = readSecureMailPartnerOptions(r, "/etc/ketenhub");
  r.finish();
  return {o, diag.errors()};
}

const char* kGoodHub = R"(deadline: 2h
url: smtp://relay.gemeente-test.example.nl:587
from: ketenhub@gemeente-test.example.nl
user: ketenhub
password_file: secrets/smtp.pass
tls:
  profile: ncsc-good
  ca: [pki/relay-ca.pem, /opt/ca/other.pem]
  client_certificate: pki/hub-client.crt
  client_key: pki/hub-client.key
timeouts: {connect: 5s, request: 2m}
)";

TEST(SecureMailOptions, ReadsTheHubBlock) {
  Read r = readHub(kGoodHub);
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  auto o = std::dynamic_pointer_cast<const SecureMailHubOptions>(r.options);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->url, "smtp://relay.gemeente-test.example.nl:587");
  EXPECT_EQ(o->from, "ketenhub@gemeente-test.example.nl");
  EXPECT_EQ(o->user, "ketenhub");
  EXPECT_EQ(o->password_file, "/etc/ketenhub/secrets/smtp.pass");
  EXPECT_EQ(o->tls.profile, "ncsc-good");
  EXPECT_EQ(o->tls.ca_files,
            (std::vector<std::string>{"/etc/ketenhub/pki/relay-ca.pem", "/opt/ca/other.pem"}));
  EXPECT_EQ(o->tls.client_cert, "/etc/ketenhub/pki/hub-client.crt");
  EXPECT_EQ(o->tls.client_key, "/etc/ketenhub/pki/hub-client.key");
  EXPECT_EQ(o->connect_timeout, Millis(5000));
  EXPECT_EQ(o->request_timeout, Millis(120000));
}

TEST(SecureMailOptions, MinimalSmtpsBlockWithDefaults) {
  Read r = readHub("url: smtps://relay.example.nl\nfrom: hub@example.nl\ntls: {ca: ca.pem}\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  auto o = std::dynamic_pointer_cast<const SecureMailHubOptions>(r.options);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->tls.profile, "ncsc-sufficient");
  EXPECT_TRUE(o->user.empty());
  EXPECT_EQ(o->connect_timeout, Millis(10000));
}

TEST(SecureMailOptions, EveryHubErrorAtOnceWithItsPosition) {
  Read r = readHub(R"(url: http://relay.example.nl
from: "hub@example.nl\r\nBcc: x@example.nl"
user: ketenhub
tls:
  profile: ncsc-best
  cert: x.pem
timeouts: {connect: 0s, reqest: 5s}
)");
  EXPECT_EQ(r.options, nullptr);
  const std::vector<std::string> expected = {
      "hub.yaml:1:6 (channels.securemail.url): must be smtp://host[:port] (STARTTLS) or "
      "smtps://host[:port]",
      "hub.yaml:2:7 (channels.securemail.from): address holds a control, space or non-ASCII "
      "character",
      "hub.yaml:3:7 (channels.securemail.user): user and password_file must be given together",
      "hub.yaml:5:12 (channels.securemail.tls.profile): unknown TLS profile 'ncsc-best' (known: "
      "ncsc-sufficient, ncsc-good)",
      "hub.yaml:5:3 (channels.securemail.tls.ca): at least one CA file is needed (the relay's "
      "certificate is always verified)",
      "hub.yaml:6:3 (channels.securemail.tls.cert): unknown key 'cert'",
      "hub.yaml:7:21 (channels.securemail.timeouts.connect): must be more than 0 and at most 1h",
      "hub.yaml:7:25 (channels.securemail.timeouts.reqest): unknown key 'reqest'; did you mean "
      "'request'?",
  };
  EXPECT_EQ(r.errors, expected);
}

TEST(SecureMailOptions, MissingRequiredKeysAndUrlProblems) {
  Read r = readHub("deadline: 1h\n");
  EXPECT_EQ(r.options, nullptr);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0], "hub.yaml:1:1 (channels.securemail.url): missing required key");
  EXPECT_EQ(r.errors[1], "hub.yaml:1:1 (channels.securemail.from): missing required key");
  EXPECT_EQ(r.errors[2], "hub.yaml:1:1 (channels.securemail.tls): missing required section");
  for (const char* url :
       {"smtp://", "smtp://u:p@relay.example.nl", "smtp://relay.example.nl:0",
        "smtp://relay.example.nl:99999", "smtp://relay.example.nl/x", "smtp://relay.example.nl:"}) {
    Read u = readHub(std::string("url: '") + url + "'\nfrom: a@example.nl\ntls: {ca: c.pem}\n");
    EXPECT_EQ(u.errors.size(), 1u) << url;
  }
}

TEST(SecureMailOptions, ReadsThePartnerBlock) {
  Read r = readPartner(R"(address: zorg@om-test.example.nl
products:
  verzoek-aanwijzing-advocaat: {address: advocatuur@om-test.example.nl}
)");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  auto o = std::dynamic_pointer_cast<const SecureMailPartnerOptions>(r.options);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->recipientFor("kennisgeving-crisismaatregel"), "zorg@om-test.example.nl");
  EXPECT_EQ(o->recipientFor("verzoek-aanwijzing-advocaat"), "advocatuur@om-test.example.nl");
}

TEST(SecureMailOptions, PartnerErrorsArePositional) {
  Read r = readPartner(R"(adress: zorg@om-test.example.nl
products:
  a: {address: "not an address"}
  b: plain@example.nl
)");
  EXPECT_EQ(r.options, nullptr);
  const std::vector<std::string> expected = {
      "routes/partners.yaml:1:1 (partners.om.securemail.address): missing required key",
      "routes/partners.yaml:3:16 (partners.om.securemail.products.a.address): address holds a "
      "control, space or non-ASCII character",
      // MapReader (hub/config) reports a scalar entry twice: at the value and at the key.
      "routes/partners.yaml:4:6 (partners.om.securemail.products.b): expected a mapping",
      "routes/partners.yaml:4:3 (partners.om.securemail.products.b): expected a mapping",
      "routes/partners.yaml:1:1 (partners.om.securemail.adress): unknown key 'adress'; did you "
      "mean 'address'?",
  };
  EXPECT_EQ(r.errors, expected);
}

}  // namespace
}  // namespace hub::securemail
