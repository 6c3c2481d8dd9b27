// hub/sim in digikoppeling-wus mode: the 2W-be profile checks (wus_check.h), PartnerSim's answers,
// and the hub's classifier (wus_response.h) reading those answers.
#include <gtest/gtest.h>

#include <vector>

#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "adapters/digikoppeling_wus/wus_response.h"
#include "hub/core/error_codes.h"
#include "tests/unit/wus/wus_test_env.h"
#include "tools/partner_sim/partner_sim.h"
#include "tools/partner_sim/sim_options.h"
#include "tools/partner_sim/wus_check.h"

namespace hub::sim {
namespace {

using hub::wus_testing::kDeliveryId;
using hub::wus_testing::kHubOin;
using hub::wus_testing::kMessageId;

constexpr const char* kAction = "urn:ketenhub:om:kennisgeving-crisismaatregel:1";
const std::string kWsa = "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"";

std::string standardHeader() {
  return "<wsa:To>https://om.example/wus</wsa:To><wsa:Action>" + std::string(kAction) +
         "</wsa:Action><wsa:MessageID>" + kMessageId + "</wsa:MessageID><wsa:From><wsa:Address>" +
         adapters::wus::wsaFrom(kHubOin) + "</wsa:Address></wsa:From>";
}

std::string envelope(const std::string& header,
                     const std::string& body = "<doc xmlns=\"urn:d\"/>") {
  return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" " + kWsa +
         "><soap:Header>" + header + "</soap:Header><soap:Body>" + body +
         "</soap:Body></soap:Envelope>";
}

SimRequest request(std::string body, std::string soap_action = std::string("\"") + kAction + "\"",
                   std::string content_type = "text/xml; charset=utf-8") {
  SimRequest r;
  r.method = "POST";
  r.target = "/om/wus";
  r.headers = {{"content-type", std::move(content_type)}, {"soapaction", std::move(soap_action)}};
  r.body = std::move(body);
  return r;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(WusCheck, AcceptsTheHubsEnvelope) {
  auto env =
      adapters::wus::buildEnvelope({"https://om.example/wus?OIN=00000001003214345000", kAction,
                                    kMessageId, adapters::wus::wsaFrom(kHubOin)},
                                   "<?xml version=\"1.0\"?>\n<doc xmlns=\"urn:d\"><a>1</a></doc>");
  ASSERT_TRUE(env);
  auto r = checkWusRequest(request(*env), "om");
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  EXPECT_EQ(r->message_id, kMessageId);
  EXPECT_EQ(r->delivery_id, kDeliveryId);
  EXPECT_EQ(r->action, kAction);
  EXPECT_EQ(r->product, "kennisgeving-crisismaatregel");
  EXPECT_EQ(r->from, adapters::wus::wsaFrom(kHubOin));
  EXPECT_EQ(r->document,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc xmlns=\"urn:d\"><a>1</a></doc>\n");
}

TEST(WusCheck, ProfileViolations) {
  const std::string h = standardHeader();
  struct Case {
    std::string what;
    SimRequest req;
    std::string code;
  } cases[] = {
      {"content type", request(envelope(h), "\"x\"", "application/xml; charset=utf-8"),
       kWusNotEnvelope},
      {"not xml", request("<soap:Envelope"), kWusNotEnvelope},
      {"dtd", request("<!DOCTYPE x><x/>"), kWusNotEnvelope},
      {"SOAP 1.2",
       request(replace(envelope(h), "http://schemas.xmlsoap.org/soap/envelope/",
                       "http://www.w3.org/2003/05/soap-envelope")),
       kWusNotEnvelope},
      {"extra header block", request(envelope(h + "<x:Security xmlns:x=\"urn:x\"/>")),
       kWusHeaderNotAllowed},
      {"other wsa header", request(envelope(h + "<wsa:FaultTo/>")), kWusHeaderNotAllowed},
      {"repeated", request(envelope(h + "<wsa:To>https://x</wsa:To>")), kWusHeaderNotAllowed},
      {"no MessageID",
       request(envelope(
           replace(h, "<wsa:MessageID>" + std::string(kMessageId) + "</wsa:MessageID>", ""))),
       kWusAddressing},
      {"MessageID form", request(envelope(replace(h, "urn:uuid:", "uuid:"))), kWusAddressing},
      {"MessageID not a uuid", request(envelope(replace(h, "19a47920-", "19a4792x-"))),
       kWusAddressing},
      {"no Action",
       request(envelope(replace(h, "<wsa:Action>" + std::string(kAction) + "</wsa:Action>", ""))),
       kWusAddressing},
      {"no From",
       request(envelope(replace(h,
                                "<wsa:From><wsa:Address>" + adapters::wus::wsaFrom(kHubOin) +
                                    "</wsa:Address></wsa:From>",
                                ""))),
       kWusAddressing},
      {"From without Address",
       request(envelope(replace(h, "<wsa:Address>", "<wsa:Address/><wsa:Address>"))),
       kWusAddressing},
      {"SOAPAction differs", request(envelope(h), "\"urn:ketenhub:om:other:1\""), kWusAction},
      {"SOAPAction unquoted", request(envelope(h), kAction), kWusAction},
      {"SOAPAction missing", request(envelope(h), ""), kWusAction},
      {"two body children", request(envelope(h, "<a/><b/>")), kWusBody},
      {"empty body", request(envelope(h, "")), kWusBody},
      {"text in body", request(envelope(h, "<a/>text")), kWusBody},
  };
  for (auto& c : cases) {
    if (c.what == "SOAPAction missing") c.req.headers.pop_back();
    auto r = checkWusRequest(c.req, "om");
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
  }
  // The action must be for this partner.
  auto r = checkWusRequest(request(envelope(h)), "igj");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kWusAction);
}

TEST(WusCheck, ReplyToMustBeAnonymous) {
  const std::string anon =
      "<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address>"
      "</wsa:ReplyTo>";
  EXPECT_TRUE(checkWusRequest(request(envelope(standardHeader() + anon)), "om"));
  auto r = checkWusRequest(
      request(envelope(standardHeader() + replace(anon, "anonymous", "elsewhere"))), "om");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kWusAddressing);
}

TEST(WusCheck, Helpers) {
  std::string partner, product;
  EXPECT_TRUE(parseKetenhubAction("urn:ketenhub:om:p-1:12", partner, product));
  EXPECT_EQ(partner, "om");
  EXPECT_EQ(product, "p-1");
  EXPECT_FALSE(parseKetenhubAction("urn:ketenhub:om:p", partner, product));
  EXPECT_FALSE(parseKetenhubAction("urn:ketenhub:om:p:v1", partner, product));
  EXPECT_FALSE(parseKetenhubAction("urn:other:om:p:1", partner, product));
  EXPECT_TRUE(isSoap11ContentType("text/xml; charset=UTF-8"));
  EXPECT_TRUE(isSoap11ContentType("text/xml;charset=\"utf-8\""));
  EXPECT_FALSE(isSoap11ContentType("text/xml"));
  EXPECT_FALSE(isSoap11ContentType("application/soap+xml; charset=utf-8"));
  std::string id = uuidV4From(0.1, 0.2, 0.3);
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(uuidV4From(0.1, 0.2, 0.3), uuidV4From(0.1, 0.2, 0.31));
  EXPECT_EQ(wusRequestMessageId(envelope(standardHeader())), kMessageId);
  EXPECT_EQ(wusRequestMessageId("junk"), "");
}

TEST(WusCheck, ConfiguredActions) {
  WusSimActions actions;
  actions.request = {{"kennisgeving-crisismaatregel", "urn:om:kennisgeving:1"}};
  actions.response = {{"kennisgeving-crisismaatregel", "urn:om:ontvangen:1"}};
  const std::string h = replace(standardHeader(), kAction, "urn:om:kennisgeving:1");
  auto r = checkWusRequest(request(envelope(h), "\"urn:om:kennisgeving:1\""), "om", actions);
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  EXPECT_EQ(r->product, "kennisgeving-crisismaatregel");
  EXPECT_EQ(wusResponseAction(actions, *r), "urn:om:ontvangen:1");
  // The default action of a product with a configured one is refused.
  r = checkWusRequest(request(envelope(standardHeader())), "om", actions);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kWusAction);
  EXPECT_NE(r.error().message.find("default one for product"), std::string::npos);
  // Other products keep the urn:ketenhub rule; an unknown action is refused.
  const std::string other = "urn:ketenhub:om:other:1";
  r = checkWusRequest(
      request(envelope(replace(standardHeader(), kAction, other)), "\"" + other + "\""), "om",
      actions);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->product, "other");
  EXPECT_EQ(wusResponseAction(actions, *r), other + "Response");
  r = checkWusRequest(
      request(envelope(replace(standardHeader(), kAction, "urn:x:y")), "\"urn:x:y\""), "om",
      actions);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kWusAction);
}

TEST(WusSimOptions, ActionsAndBadAction) {
  std::map<std::string, std::string> v = {{"--listen", "127.0.0.1:0"},
                                          {"--cert", "c"},
                                          {"--key", "k"},
                                          {"--ca", "ca"},
                                          {"--adapter", "digikoppeling-wus"},
                                          {"--actions", "a=urn:om:a:1,b=urn:om:b:1"},
                                          {"--response-actions", "a=urn:om:a:ok"}};
  auto o = buildSimOptions(v, true, false, true);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_TRUE(o->faults.bad_action);
  EXPECT_EQ(o->wus_actions.request,
            (std::map<std::string, std::string>{{"a", "urn:om:a:1"}, {"b", "urn:om:b:1"}}));
  EXPECT_EQ(o->wus_actions.response.at("a"), "urn:om:a:ok");
  for (const char* bad :
       {"a", "a=", "=urn:x:1", "a=nocolon", "a=urn:x:1,a=urn:x:2", "a b=urn:x:1", "a=urn:x y"}) {
    v["--actions"] = bad;
    EXPECT_FALSE(buildSimOptions(v, true)) << bad;
  }
  v.erase("--actions");
  v["--adapter"] = "rest-xml";
  v.erase("--response-actions");
  EXPECT_FALSE(buildSimOptions(v, true, false, true));  // --bad-action needs WUS
  v["--actions"] = "a=urn:om:a:1";
  EXPECT_FALSE(buildSimOptions(v, true));
}

class FakeChecker : public BodyChecker {
 public:
  Result<CheckedBody> check(std::string_view body, const DeliveryHeaders& h) const override {
    seen_product = h.product;
    if (body.find("bad-signature") != std::string_view::npos) {
      return unexpected(errc::kVerify, "signature: digest mismatch");
    }
    if (body.find("bad-schema") != std::string_view::npos) {
      return unexpected(errc::kProductSchema, "schema: element x not expected");
    }
    return CheckedBody{true, "00000099000000000001"};
  }
  bool needsProduct() const override { return true; }
  mutable std::string seen_product;
};

class FakeSink : public Sink {
 public:
  Result<void> store(const ReceivedRecord& r, std::string_view body) override {
    records.push_back(r);
    bodies.emplace_back(body);
    return {};
  }
  std::vector<ReceivedRecord> records;
  std::vector<std::string> bodies;
};

class WusSimTest : public ::testing::Test {
 protected:
  PartnerSim make(FaultOptions faults = {}, WusSimActions actions = {}) {
    PartnerSimDeps deps;
    deps.checker = &checker_;
    deps.sink = &sink_;
    deps.random01 = [] { return 0.5; };
    deps.now = [] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    };
    return PartnerSim("om", faults, std::move(deps), SimProtocol::kWus, std::move(actions));
  }
  static Outcome classify(const SimResponse& r,
                          const std::string& expected = std::string(kAction) + "Response") {
    curl::HttpResult h;
    h.http_status = r.status;
    h.body = r.body;
    return adapters::wus::classifyWusResponse(h, {kMessageId, expected});
  }

  FakeChecker checker_;
  FakeSink sink_;
  PeerInfo peer_{"CN=ketenhub test client", "00000099000000000001"};
};

TEST_F(WusSimTest, AcceptedDeliveryIsStoredAndAnsweredWithRelatesTo) {
  auto sim = make();
  SimResponse r = sim.handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/xml; charset=utf-8");
  EXPECT_NE(r.body.find("<wsa:RelatesTo>" + std::string(kMessageId) + "</wsa:RelatesTo>"),
            std::string::npos);
  EXPECT_NE(r.body.find("<wsa:Action>" + std::string(kAction) + "Response</wsa:Action>"),
            std::string::npos);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].delivery_id, kDeliveryId);
  EXPECT_EQ(sink_.records[0].product, "kennisgeving-crisismaatregel");
  EXPECT_TRUE(sink_.records[0].verified);
  EXPECT_EQ(sink_.bodies[0],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc xmlns=\"urn:d\"/>\n");
  EXPECT_EQ(checker_.seen_product, "kennisgeving-crisismaatregel");
  EXPECT_EQ(classify(r).kind, OutcomeKind::kDelivered) << classify(r).reason;
}

TEST_F(WusSimTest, ProfileViolationIsAClientFaultThatEndsTheDelivery) {
  auto sim = make();
  SimResponse r =
      sim.handle(request(envelope(standardHeader() + "<x:Extra xmlns:x=\"urn:x\"/>")), peer_);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("<faultcode>soap:Client</faultcode>"), std::string::npos);
  EXPECT_NE(r.body.find("KHWUS-0002"), std::string::npos);
  EXPECT_NE(r.body.find("<wsa:RelatesTo>" + std::string(kMessageId)), std::string::npos);
  EXPECT_TRUE(sink_.records.empty());
  Outcome o = classify(r);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_NE(o.reason.find("KHWUS-0002"), std::string::npos) << o.reason;
}

TEST_F(WusSimTest, SignatureAndSchemaFailuresAreClientFaults) {
  auto sim = make();
  SimResponse r =
      sim.handle(request(envelope(standardHeader(), "<doc><bad-signature/></doc>")), peer_);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("KHWUS-0006: signature: digest mismatch"), std::string::npos) << r.body;
  EXPECT_EQ(classify(r).kind, OutcomeKind::kPermanent);
  r = sim.handle(request(envelope(standardHeader(), "<doc><bad-schema/></doc>")), peer_);
  EXPECT_NE(r.body.find("DK0004: schema:"), std::string::npos) << r.body;
  EXPECT_EQ(classify(r).kind, OutcomeKind::kPermanent);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(WusSimTest, InjectedFaults) {
  FaultOptions client;
  client.soap_fault = SoapFault::kClient;
  SimResponse r = make(client).handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("DK0050"), std::string::npos);
  EXPECT_EQ(classify(r).kind, OutcomeKind::kPermanent);

  FaultOptions server;
  server.soap_fault = SoapFault::kServer;
  r = make(server).handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("<faultcode>soap:Server</faultcode>"), std::string::npos);
  EXPECT_NE(r.body.find("DK0051"), std::string::npos);
  EXPECT_EQ(classify(r).kind, OutcomeKind::kRetryable);

  FaultOptions bad;
  bad.bad_relates_to = true;
  r = make(bad).handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 200);
  Outcome o = classify(r);
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_NE(o.reason.find("does not match"), std::string::npos) << o.reason;

  FaultOptions status;
  status.status = 503;
  r = make(status).handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(classify(r).kind, OutcomeKind::kRetryable);
  EXPECT_EQ(sink_.records.size(), 1u);  // only the --bad-relates-to one was accepted
}

TEST_F(WusSimTest, ConfiguredActionsAnswerWithTheConfiguredResponseAction) {
  WusSimActions actions;
  actions.request = {{"kennisgeving-crisismaatregel", "urn:om:kennisgeving:1"}};
  actions.response = {{"kennisgeving-crisismaatregel", "urn:om:ontvangen:1"}};
  auto sim = make({}, actions);
  SimResponse r =
      sim.handle(request(envelope(replace(standardHeader(), kAction, "urn:om:kennisgeving:1")),
                         "\"urn:om:kennisgeving:1\""),
                 peer_);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<wsa:Action>urn:om:ontvangen:1</wsa:Action>"), std::string::npos);
  ASSERT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(sink_.records[0].product, "kennisgeving-crisismaatregel");
  EXPECT_EQ(sink_.records[0].action, "urn:om:kennisgeving:1");
  EXPECT_EQ(classify(r, "urn:om:ontvangen:1").kind, OutcomeKind::kDelivered);
  // The hub expecting the default response action would not take it as a receipt.
  EXPECT_EQ(classify(r).kind, OutcomeKind::kPermanent);
}

TEST_F(WusSimTest, BadActionIsAcceptedButNotAReceipt) {
  FaultOptions bad;
  bad.bad_action = true;
  SimResponse r = make(bad).handle(request(envelope(standardHeader())), peer_);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<wsa:Action>" + std::string(kWusWrongAction) + "</wsa:Action>"),
            std::string::npos);
  EXPECT_EQ(sink_.records.size(), 1u);
  Outcome o = classify(r);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_TRUE(o.receipt.empty());
  EXPECT_NE(o.reason.find("wus: response wsa:Action '" + std::string(kWusWrongAction) +
                          "' is not the expected '" + kAction + "Response'"),
            std::string::npos)
      << o.reason;
}

}  // namespace
}  // namespace hub::sim
