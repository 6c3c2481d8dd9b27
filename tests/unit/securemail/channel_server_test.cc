// SecureMailChannel against a real SMTP relay (aiosmtpd with STARTTLS and AUTH on loopback).
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "adapters/securemail/securemail_channel.h"
#include "tests/unit/securemail/securemail_test_env.h"

namespace hub::securemail {
namespace {

using testing::pki;
using testing::shell;
using testing::SmtpTestServer;
using testing::syntheticInput;

constexpr const char* kEnDash = "\xE2\x80\x93";

SecureMailHubOptions hubOptions(const std::string& url) {
  SecureMailHubOptions o;
  o.url = url;
  o.from = "ketenhub@gemeente-test.example.nl";
  o.user = "ketenhub";
  o.password_file = pki("smtp.pass");
  o.tls.profile = "ncsc-sufficient";
  o.tls.ca_files = {pki("ca.crt")};
  o.connect_timeout = Millis(5000);
  o.request_timeout = Millis(20000);
  return o;
}

SecureMailPartnerOptions partnerOptions() {
  SecureMailPartnerOptions p;
  p.address = "zorg@om-test.example.nl";
  p.products["verzoek-aanwijzing-advocaat"] = "advocatuur@om-test.example.nl";
  return p;
}

PartnerConfig partner() {
  PartnerConfig p;
  p.code = "om";
  return p;
}

HubContact contact() {
  return {"Gemeente Test", "ketenhub-beheer@gemeente-test.example.nl", "+31 20 000 0000"};
}

SigningConfig signing() { return {pki("hub-sign.key"), pki("hub-sign.crt")}; }

std::unique_ptr<Channel> makeChannel(const std::string& url) {
  auto ch = SecureMailChannel::create(hubOptions(url), partnerOptions(), partner(), signing(),
                                      contact(), "00000099000000000001");
  EXPECT_TRUE(ch.has_value()) << (ch ? "" : ch.error().message);
  return ch ? std::move(*ch) : nullptr;
}

Outcome deliver(Channel& ch, const ChannelInput& in) {
  auto msg = ch.prepare(in);
  EXPECT_TRUE(msg.has_value()) << (msg ? "" : msg.error().message);
  if (!msg) return Outcome::permanent("prepare failed");
  return ch.send(in, *msg);
}

// The mail as Python's email package reads it (an independent MIME and RFC 2047 decoder).
std::multimap<std::string, std::string> inspect(const std::string& eml) {
  std::istringstream out(shell("/usr/bin/python3 " + testing::sourceDir() +
                               "/tests/unit/securemail/smtp_test_server.py --inspect " + eml));
  std::multimap<std::string, std::string> fields;
  for (std::string line; std::getline(out, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) fields.emplace(line.substr(0, eq), line.substr(eq + 1));
  }
  return fields;
}

std::string field(const std::multimap<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "<absent>" : it->second;
}

TEST(SecureMailServer, DeliversASignedMailOverStartTlsWithAuth) {
  SmtpTestServer server("normal");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  const ChannelInput in = syntheticInput();
  auto msg = ch->prepare(in);
  ASSERT_TRUE(msg.has_value()) << msg.error().message;
  EXPECT_EQ(msg->channel, "securemail");
  EXPECT_EQ(msg->target, server.url() + " -> zorg@om-test.example.nl");
  EXPECT_EQ(msg->media_type, "message/rfc822");
  Outcome o = ch->send(in, *msg);
  ASSERT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  EXPECT_EQ(o.reason, "smtp 250");

  ASSERT_EQ(server.storedCount(), 1);
  // Only over TLS: every MAIL, RCPT and DATA the relay saw came after STARTTLS, with AUTH.
  const std::string meta = testing::readAll(server.stored(1, "json"));
  EXPECT_NE(meta.find("\"tls\": true"), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"auth\": true"), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"mail_from\": \"ketenhub@gemeente-test.example.nl\""), std::string::npos);
  EXPECT_NE(meta.find("\"rcpt_tos\": [\"zorg@om-test.example.nl\"]"), std::string::npos);
  EXPECT_EQ(server.log().find("\"tls\": false"), std::string::npos) << server.log();

  const std::string eml = server.stored(1, "eml");
  EXPECT_EQ(testing::readAll(eml), msg->body);  // byte for byte what prepare() built
  EXPECT_EQ(shell("openssl cms -verify -CAfile " + pki("ca.crt") + " -in " + eml +
                  " -out /dev/null 2>&1"),
            "CMS Verification successful");
  EXPECT_NE(shell("openssl cms -cmsout -print -in " + eml).find("signingCertificateV2"),
            std::string::npos);

  auto mail = inspect(eml);
  EXPECT_EQ(field(mail, "subject"),
            std::string("ZK-2026-000123 ") + kEnDash + " Kennisgeving crisismaatregel");
  EXPECT_EQ(field(mail, "content_type"), "multipart/signed");
  EXPECT_EQ(field(mail, "message_id"),
            "<3f2a1c9e-7d41-5b8e-9a0c-1e2d3c4b5a69@00000099000000000001>");
  EXPECT_EQ(field(mail, "date"), "Sun, 22 Nov 2026 07:15:00 +0000");
  // The attachment decodes to the signed product byte for byte (same SHA-256).
  const std::string xml_part =
      "application/xml|kennisgeving-crisismaatregel-"
      "3f2a1c9e-7d41-5b8e-9a0c-1e2d3c4b5a69.xml|" +
      in.product_sha256;
  bool attachment = false;
  for (auto [it, end] = mail.equal_range("part"); it != end; ++it)
    attachment = attachment || it->second == xml_part;
  EXPECT_TRUE(attachment) << xml_part;
  const std::string body = field(mail, "text");
  EXPECT_NE(body.find(in.product_sha256), std::string::npos) << body;
  EXPECT_EQ(body.find("999990019"), std::string::npos);  // nothing from the product
  EXPECT_EQ(body.find("Test Persoon"), std::string::npos);
}

TEST(SecureMailServer, PerProductRecipientAndSessionReuse) {
  SmtpTestServer server("normal");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  ChannelInput in = syntheticInput();
  in.product = "verzoek-aanwijzing-advocaat";
  EXPECT_EQ(deliver(*ch, in).kind, OutcomeKind::kDelivered);
  EXPECT_EQ(deliver(*ch, in).kind, OutcomeKind::kDelivered);
  ASSERT_EQ(server.storedCount(), 2);
  EXPECT_NE(testing::readAll(server.stored(2, "json"))
                .find("\"rcpt_tos\": [\"advocatuur@om-test.example.nl\"]"),
            std::string::npos);
  EXPECT_EQ(server.count("auth"), 1) << "the second mail reuses the authenticated session";
}

TEST(SecureMailServer, NoStartTlsOfferedMeansNothingSentAndRetryable) {
  SmtpTestServer server("nostarttls");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  Outcome o = deliver(*ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "smtp: server offers no STARTTLS");
  EXPECT_EQ(server.storedCount(), 0);
  EXPECT_EQ(server.count("mail"), 0);
  EXPECT_EQ(server.count("auth"), 0);
}

TEST(SecureMailServer, Reply451IsRetryable) {
  SmtpTestServer server("reply451");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  Outcome o = deliver(*ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "smtp 451");
  EXPECT_EQ(server.storedCount(), 0);
}

TEST(SecureMailServer, Reply550IsPermanent) {
  SmtpTestServer server("reply550");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  Outcome o = deliver(*ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "smtp 550");
}

TEST(SecureMailServer, UntrustedRelayCertificateIsRetryableAndGetsNothing) {
  SmtpTestServer server("normal", "rogue-partner");
  auto ch = makeChannel(server.url());
  ASSERT_TRUE(ch);
  Outcome o = deliver(*ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "smtp: TLS handshake or certificate check failed");
  EXPECT_EQ(server.count("mail"), 0);
  EXPECT_EQ(server.count("auth"), 0);
}

TEST(SecureMailServer, WrongPasswordIsPermanent) {
  SmtpTestServer server("normal");
  const std::string bad = pki("bad.pass");
  std::ofstream(bad) << "not-the-password\n";
  ::chmod(bad.c_str(), 0600);
  auto opts = hubOptions(server.url());
  opts.password_file = bad;
  auto ch = SecureMailChannel::create(opts, partnerOptions(), partner(), signing(), contact());
  ASSERT_TRUE(ch.has_value());
  Outcome o = deliver(**ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "smtp 535 (AUTH)");
  EXPECT_EQ(server.count("mail"), 0);
}

TEST(SecureMailServer, NothingListeningIsRetryable) {
  auto ch = makeChannel("smtp://127.0.0.1:1");
  ASSERT_TRUE(ch);
  Outcome o = deliver(*ch, syntheticInput());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "smtp: cannot connect");
}

TEST(SecureMailChannelTest, HeaderInjectionIsAnErrorAndAnUnpreparedSendIsPermanent) {
  auto ch = makeChannel("smtp://127.0.0.1:1");
  ASSERT_TRUE(ch);
  ChannelInput in = syntheticInput();
  in.case_id = "ZK-1\r\nBcc: someone@example.nl";
  auto msg = ch->prepare(in);
  ASSERT_FALSE(msg.has_value());
  EXPECT_EQ(msg.error().code, "invalid_input");
  EXPECT_EQ(msg.error().message.find("Bcc"), std::string::npos);  // never quotes the value
  EXPECT_EQ(ch->send(in, WireMessage{}).kind, OutcomeKind::kPermanent);
}

TEST(SecureMailChannelTest, FactoryRefusesBadOptionsOnce) {
  auto opts = hubOptions("http://127.0.0.1:25");
  EXPECT_FALSE(SecureMailChannel::create(opts, partnerOptions(), partner(), signing(), contact())
                   .has_value());
  opts = hubOptions("smtp://127.0.0.1:25");
  opts.tls.ca_files.clear();
  EXPECT_FALSE(SecureMailChannel::create(opts, partnerOptions(), partner(), signing(), contact())
                   .has_value());
  auto p = partnerOptions();
  p.address = "no-at-sign";
  EXPECT_FALSE(SecureMailChannel::create(hubOptions("smtp://127.0.0.1:25"), p, partner(), signing(),
                                         contact())
                   .has_value());
}

}  // namespace
}  // namespace hub::securemail
