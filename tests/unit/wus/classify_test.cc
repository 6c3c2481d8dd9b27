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

constexpr const char* kResponseAction = "urn:ketenhub:om:kennisgeving:1Response";
constexpr const char* kReplyId = "urn:uuid:6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b";

std::string relatesTo(const std::string& id) { return "<wsa:RelatesTo>" + id + "</wsa:RelatesTo>"; }
std::string action(const std::string& a) { return "<wsa:Action>" + a + "</wsa:Action>"; }
std::string messageId(const std::string& id) { return "<wsa:MessageID>" + id + "</wsa:MessageID>"; }

// The header blocks of a good reply, with RelatesTo `relates`.
std::string reply(const std::string& relates = kMessageId) {
  return action(kResponseAction) + messageId(kReplyId) + relatesTo(relates);
}

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

Outcome classify(const HttpResult& r) {
  return classifyWusResponse(r, {kMessageId, kResponseAction});
}

TEST(ClassifyWus, DeliveredWhenRelatesToActionAndMessageIdAreRight) {
  auto o = classify(http(200, envelope(reply(), "<ok/>")));
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_NE(o.receipt.find("RelatesTo"), std::string::npos);
  // Whitespace around the values, any order and an explicit reply relationship are fine.
  o = classify(http(202, envelope("<wsa:RelatesTo RelationshipType=\"http://www.w3.org/2005/08/"
                                  "addressing/reply\"> " +
                                      std::string(kMessageId) + "\n</wsa:RelatesTo>" +
                                      messageId(std::string(" ") + kReplyId + "\n") +
                                      action(std::string("\n ") + kResponseAction + " "),
                                  "<ok/>")));
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
}

// A response that answers our message with another action is the partner's own answer under
// another contract: permanent, never a receipt.
TEST(ClassifyWus, WrongResponseActionIsPermanentAndNoReceipt) {
  struct Case {
    std::string header, reason;
  } cases[] = {
      {action("urn:ketenhub:om:kennisgeving:1") + messageId(kReplyId) + relatesTo(kMessageId),
       "wus: response wsa:Action 'urn:ketenhub:om:kennisgeving:1' is not the expected "
       "'urn:ketenhub:om:kennisgeving:1Response'"},
      {messageId(kReplyId) + relatesTo(kMessageId),
       "wus: response wsa:Action (missing) is not the expected "
       "'urn:ketenhub:om:kennisgeving:1Response'"},
      {action(kResponseAction) + reply(),
       "wus: response wsa:Action (repeated) is not the expected"},
      {"<x:Action xmlns:x=\"urn:other\">" + std::string(kResponseAction) + "</x:Action>" +
           messageId(kReplyId) + relatesTo(kMessageId),
       "wus: response wsa:Action (missing)"},  // not in the WS-Addressing namespace
  };
  for (const auto& c : cases) {
    auto o = classify(http(200, envelope(c.header, "<ok/>")));
    EXPECT_EQ(o.kind, OutcomeKind::kPermanent) << c.header;
    EXPECT_EQ(o.reason.rfind(c.reason, 0), 0u) << o.reason;
    EXPECT_TRUE(o.receipt.empty());
    EXPECT_EQ(o.http_status, 200);
  }
  // The expected action is the one passed in (a configured response action).
  auto o = classifyWusResponse(
      http(200, envelope(action("urn:om:ontvangen:1") + messageId(kReplyId) + relatesTo(kMessageId),
                         "<ok/>")),
      {kMessageId, "urn:om:ontvangen:1"});
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  // A RelatesTo that is not ours is checked first: not our answer, retryable.
  o = classify(http(200, envelope(action("urn:x:y") + messageId(kReplyId) +
                                      relatesTo("urn:uuid:00000000-0000-4000-8000-000000000000"),
                                  "<ok/>")));
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << o.reason;
}

TEST(ClassifyWus, MissingOrMalformedResponseMessageIdIsPermanentAndNoReceipt) {
  const std::string head = action(kResponseAction) + relatesTo(kMessageId);
  struct Case {
    std::string header, reason;
  } cases[] = {
      {head, "wus: response wsa:MessageID (missing) is not urn:uuid:<UUID>"},
      {head + messageId(kReplyId) + messageId(kReplyId),
       "wus: response wsa:MessageID (repeated) is not urn:uuid:<UUID>"},
      {head + messageId("6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"),
       "wus: response wsa:MessageID '6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b' is not urn:uuid:<UUID>"},
      {head + messageId("urn:uuid:not-a-uuid"),
       "wus: response wsa:MessageID 'urn:uuid:not-a-uuid' is not urn:uuid:<UUID>"},
      {head + messageId(""), "wus: response wsa:MessageID '' is not urn:uuid:<UUID>"},
      {head + messageId("uuid:6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b"),
       "wus: response wsa:MessageID 'uuid:6f1c2a9e"},
  };
  for (const auto& c : cases) {
    auto o = classify(http(200, envelope(c.header, "<ok/>")));
    EXPECT_EQ(o.kind, OutcomeKind::kPermanent) << c.header;
    EXPECT_EQ(o.reason.rfind(c.reason, 0), 0u) << o.reason;
    EXPECT_TRUE(o.receipt.empty());
  }
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
    auto o = classify(
        http(200, envelope(action(kResponseAction) + messageId(kReplyId) + c.header, "<ok/>")));
    EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << c.header;
    EXPECT_NE(o.reason.find(c.reason_part), std::string::npos) << o.reason;
  }
}

TEST(ClassifyWus, NotAnEnvelopeOn2xxIsRetryable) {
  for (const std::string body :
       {"", "not xml", "<receipt/>", "<!DOCTYPE x [<!ENTITY e 'x'>]><x>&e;</x>",
        "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body/>"
        "</soap:Envelope>"}) {
    auto o = classify(http(200, body));
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
    auto o = classify(http(500, c.body));
    EXPECT_EQ(o.kind, c.kind) << c.body << " -> " << o.reason;
    EXPECT_NE(o.reason.find(c.reason_part), std::string::npos) << o.reason;
    EXPECT_EQ(o.http_status, 500);
  }
  // Also with 200 (some stacks answer faults with 200).
  auto o = classify(http(200, envelope("", fault("soap:Client", "x"))));
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
}

TEST(ClassifyWus, FaultReasonIsBoundedAndOneLine) {
  auto o = classify(
      http(500, envelope("", fault("soap:Client", "line1\nline2" + std::string(500, 'x')))));
  EXPECT_EQ(o.reason.find('\n'), std::string::npos);
  EXPECT_LT(o.reason.size(), 260u);
}

TEST(ClassifyWus, ServerFaultHonoursRetryAfter) {
  auto r = http(503, envelope("", fault("soap:Server", "later")));
  r.retry_after = "7";
  auto o = classify(r);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  ASSERT_TRUE(o.retry_after_seconds);
  EXPECT_EQ(*o.retry_after_seconds, 7);
}

TEST(ClassifyWus, NoFaultFallsBackToHttpSemantics) {
  auto o = classify(http(503, "busy"));
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "HTTP 503");
  o = classify(http(400, "bad"));
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "HTTP 400");
  o = classify(http(429, envelope(reply(), "<x/>")));
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  o = classify(http(302, ""));
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
}

TEST(ClassifyWus, TransportErrorsAreRetryable) {
  HttpResult r;
  r.curl_code = 7;
  r.transport = TransportError::kConnectRefused;
  auto o = classify(r);
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
