// adapters/digikoppeling_wus/wus_response.h: the classification table.
#include <gtest/gtest.h>

#include "adapters/digikoppeling_wus/wus_response.h"
#include "tests/unit/wus/wus_test_env.h"

namespace hub::adapters::wus {
namespace {

using curl::HttpResult;
using curl::TransportError;
using hub::wus_testing::kMessageId;

std::string envelope(const std::string& header, const std::string& body,
                     const std::string& soap_prefix = "soap") {
  const std::string p = soap_prefix;
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><" + p + ":Envelope xmlns:" + p +
         "=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><" +
         p + ":Header>" + header + "</" + p + ":Header><" + p + ":Body>" + body + "</" + p +
         ":Body></" + p + ":Envelope>";
}

std::string relatesTo(const std::string& id) { return "<wsa:RelatesTo>" + id + "</wsa:RelatesTo>"; }

std::string fault(const std::string& code, const std::string& text,
                  const std::string& detail = "") {
  return "<soap:Fault><faultcode>" + code + "</faultcode><faultstring>" + text + "</faultstring>" +
         (detail.empty() ? "" : "<detail>" + detail + "</detail>") + "</soap:Fault>";
}

HttpResult http(int status, std::string body) {
  HttpResult r;
  r.http_status = status;
  r.body = std::move(body);
  return r;
}

TEST(ClassifyWus, DeliveredWhenRelatesToMatches) {
  auto o = classifyWusResponse(http(200, envelope(relatesTo(kMessageId), "<ok/>")), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_NE(o.receipt.find("RelatesTo"), std::string::npos);
  // Whitespace around the value and an explicit reply relationship are fine.
  o = classifyWusResponse(
      http(202, envelope("<wsa:RelatesTo RelationshipType=\"http://www.w3.org/2005/08/addressing/"
                         "reply\"> " +
                             std::string(kMessageId) + "\n</wsa:RelatesTo>",
                         "<ok/>")),
      kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
}

TEST(ClassifyWus, RelatesToMissingOrDifferentIsRetryable) {
  struct Case {
    std::string header, reason_part;
  } cases[] = {
      {"", "wus: RelatesTo (missing) does not match MessageID"},
      {relatesTo("urn:uuid:00000000-0000-4000-8000-000000000000"),
       "wus: RelatesTo 'urn:uuid:00000000-0000-4000-8000-000000000000' does not match MessageID"},
      {relatesTo(kMessageId) + relatesTo(kMessageId), "wus: RelatesTo (repeated) does not match"},
      {"<wsa:RelatesTo RelationshipType=\"urn:other\">" + std::string(kMessageId) +
           "</wsa:RelatesTo>",
       "wus: RelatesTo of type 'urn:other' does not match"},
      {"<RelatesTo>" + std::string(kMessageId) + "</RelatesTo>",
       "wus: RelatesTo (missing) does not match"},  // not in the WS-Addressing namespace
  };
  for (const auto& c : cases) {
    auto o = classifyWusResponse(http(200, envelope(c.header, "<ok/>")), kMessageId);
    EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << c.header;
    EXPECT_NE(o.reason.find(c.reason_part), std::string::npos) << o.reason;
  }
}

TEST(ClassifyWus, NotAnEnvelopeOn2xxIsRetryable) {
  for (const std::string body :
       {"", "not xml", "<receipt/>", "<!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>",
        "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body/>"
        "</soap:Envelope>"}) {
    auto o = classifyWusResponse(http(200, body), kMessageId);
    EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << body;
    EXPECT_EQ(o.reason.rfind("wus: response is not a SOAP envelope", 0), 0u) << o.reason;
  }
}

TEST(ClassifyWus, FaultTable) {
  struct Case {
    std::string body;
    OutcomeKind kind;
    std::string reason_part;
  } cases[] = {
      {envelope(relatesTo(kMessageId), fault("soap:Client", "DK0004: schema")),
       OutcomeKind::kPermanent, "wus: SOAP fault soap:Client (DK0004: schema)"},
      {envelope("", fault("Client", "bad")), OutcomeKind::kPermanent, "SOAP fault Client (bad)"},
      {envelope("", fault("soap:Client.Authentication", "no")), OutcomeKind::kPermanent,
       "soap:Client.Authentication"},
      {envelope("", fault("soap:VersionMismatch", "v")), OutcomeKind::kPermanent,
       "VersionMismatch"},
      {envelope("",
                "<s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring></s:Fault>",
                "s"),
       OutcomeKind::kPermanent, "s:Client"},
      {envelope(relatesTo(kMessageId), fault("soap:Server", "busy")), OutcomeKind::kRetryable,
       "wus: SOAP fault soap:Server (busy)"},
      {envelope("", fault("soap:Client", "DK0051: antwoordend systeem geeft time-out")),
       OutcomeKind::kRetryable, "DK0051"},
      {envelope("", fault("soap:Client", "fout", "<code>0051</code>")), OutcomeKind::kRetryable,
       "soap:Client"},
      {envelope("", fault("soap:Client", "OIN 00000099000000000051")), OutcomeKind::kPermanent,
       "soap:Client"},
      {envelope("", fault("other:Client", "x")), OutcomeKind::kRetryable, "other:Client"},
      {envelope("", fault("soap:Whatever", "x")), OutcomeKind::kRetryable, "soap:Whatever"},
      // A fault that answers another message is not ours to act on.
      {envelope(relatesTo("urn:uuid:00000000-0000-4000-8000-000000000000"),
                fault("soap:Client", "x")),
       OutcomeKind::kRetryable, "does not match MessageID"},
  };
  for (const auto& c : cases) {
    auto o = classifyWusResponse(http(500, c.body), kMessageId);
    EXPECT_EQ(o.kind, c.kind) << c.body << " -> " << o.reason;
    EXPECT_NE(o.reason.find(c.reason_part), std::string::npos) << o.reason;
    EXPECT_EQ(o.http_status, 500);
  }
  // Also with 200 (some stacks answer faults with 200).
  auto o = classifyWusResponse(http(200, envelope("", fault("soap:Client", "x"))), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
}

TEST(ClassifyWus, FaultReasonIsBoundedAndOneLine) {
  auto o = classifyWusResponse(
      http(500, envelope("", fault("soap:Client", "line1\nline2" + std::string(500, 'x')))),
      kMessageId);
  EXPECT_EQ(o.reason.find('\n'), std::string::npos);
  EXPECT_LT(o.reason.size(), 260u);
}

TEST(ClassifyWus, ServerFaultHonoursRetryAfter) {
  auto r = http(503, envelope("", fault("soap:Server", "later")));
  r.retry_after = "7";
  auto o = classifyWusResponse(r, kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  ASSERT_TRUE(o.retry_after_seconds);
  EXPECT_EQ(*o.retry_after_seconds, 7);
}

TEST(ClassifyWus, NoFaultFallsBackToHttpSemantics) {
  auto o = classifyWusResponse(http(503, "busy"), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "HTTP 503");
  o = classifyWusResponse(http(400, "bad"), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "HTTP 400");
  o = classifyWusResponse(http(429, envelope(relatesTo(kMessageId), "<x/>")), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  o = classifyWusResponse(http(302, ""), kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
}

TEST(ClassifyWus, TransportErrorsAreRetryable) {
  HttpResult r;
  r.curl_code = 7;
  r.transport = TransportError::kConnectRefused;
  auto o = classifyWusResponse(r, kMessageId);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason.rfind("connect: refused", 0), 0u);
}

TEST(Code0051, Tokens) {
  EXPECT_TRUE(mentionsCode0051("DK0051"));
  EXPECT_TRUE(mentionsCode0051("fout dk0051: time-out"));
  EXPECT_TRUE(mentionsCode0051("code 0051"));
  EXPECT_TRUE(mentionsCode0051("0051"));
  EXPECT_FALSE(mentionsCode0051("00000099000000000051"));
  EXPECT_FALSE(mentionsCode0051("00512"));
  EXPECT_FALSE(mentionsCode0051("XDK0051"));
  EXPECT_FALSE(mentionsCode0051("DK0050"));
}

}  // namespace
}  // namespace hub::adapters::wus
