// hub/curl + adapters/rest_xml against real TLS servers on loopback (tls_test_server.py).
#include "hub/curl/https_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "adapters/https_coupling/coupling_options.h"
#include "adapters/rest_xml/rest_xml_adapter.h"
#include "hub/curl/curl_global.h"
#include "tests/unit/curl/test_partner.h"

namespace hub::curl {
namespace {

using adapters::RestXmlAdapter;
using testing::TestPki;
using testing::TestServer;

constexpr const char* kServerOin = "00000001003214345000";

class HttpsClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    global_ = new CurlGlobal();
    pki_ = new TestPki();
    main_ = new TestServer(*pki_, "main", "server1");
    other_ca_ = new TestServer(*pki_, "otherca", "server2");
    wrong_name_ = new TestServer(*pki_, "wrongname", "wrongname");
    cbc_ = new TestServer(*pki_, "cbc", "server1", "cbc");
    tls11_ = new TestServer(*pki_, "tls11", "server1", "tls11");
  }
  static void TearDownTestSuite() {
    for (TestServer* s : {main_, other_ca_, wrong_name_, cbc_, tls11_}) delete s;
    delete pki_;
    delete global_;
  }

  static HttpsTarget partner(const std::string& url) {
    return testing::partnerTarget(*pki_, url, 2);
  }

  static std::unique_ptr<RestXmlAdapter> adapter(const HttpsTarget& p) {
    auto client = HttpsClient::create(p);
    EXPECT_TRUE(client.has_value()) << (client ? "" : client.error().message);
    if (!client) return nullptr;
    return std::make_unique<RestXmlAdapter>(p.endpoint, std::move(*client));
  }

  static ChannelInput request() {
    ChannelInput r;
    r.delivery_id = "19a47920-8815-5ffa-a8cc-a16b2b6535c3";
    r.message_id = "msg-0001";
    r.case_id = "Z-2025-000123";
    r.event_type = "wvggz.crisismaatregel.genomen";
    r.partner = "om";
    r.product = "kennisgeving-crisismaatregel";
    r.signed_product =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><kennisgeving>synthetisch</kennisgeving>";
    return r;
  }

  static inline CurlGlobal* global_ = nullptr;
  static inline TestPki* pki_ = nullptr;
  static inline TestServer* main_ = nullptr;
  static inline TestServer* other_ca_ = nullptr;
  static inline TestServer* wrong_name_ = nullptr;
  static inline TestServer* cbc_ = nullptr;
  static inline TestServer* tls11_ = nullptr;
};

// A rest-xml partner whose coupling options are the target's (as its schema would read them).
PartnerConfig asPartner(const HttpsTarget& t) {
  PartnerConfig p;
  p.code = t.code;
  p.adapter = "rest-xml";
  p.concurrency = t.concurrency;
  auto o = std::make_shared<adapters::HttpsCouplingOptions>();
  o->endpoint = t.endpoint;
  o->tls = t.tls;
  o->connect_timeout = t.connect_timeout;
  o->request_timeout = t.request_timeout;
  p.channel_options["rest-xml"] = o;
  return p;
}

// One attempt, as the engine makes it: prepare the wire message, then send it.
Outcome deliver(RestXmlAdapter& a, const ChannelInput& in) {
  auto msg = a.prepare(in);
  if (!msg) return Outcome::permanent(msg.error().message);
  return a.send(in, *msg);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(HttpsClientTest, Delivered200KeepsReceiptAndSendsHeaders) {
  auto a = adapter(partner(main_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(o.receipt, "receipt:19a47920-8815-5ffa-a8cc-a16b2b6535c3");
  std::string got = main_->lastRequest();
  EXPECT_TRUE(contains(got, "\"content-type\": \"application/xml; charset=utf-8\"")) << got;
  EXPECT_TRUE(contains(got, "\"x-message-id\": \"19a47920-8815-5ffa-a8cc-a16b2b6535c3\""));
  EXPECT_TRUE(contains(got, "\"x-case-id\": \"Z-2025-000123\""));
  EXPECT_TRUE(contains(got, "\"x-event-type\": \"wvggz.crisismaatregel.genomen\""));
  EXPECT_TRUE(contains(got, "\"x-product\": \"kennisgeving-crisismaatregel\""));
  EXPECT_TRUE(contains(got, "<kennisgeving>synthetisch</kennisgeving>"));
  EXPECT_FALSE(contains(got, "\"expect\""));
  // Mutual TLS: the server saw our client certificate.
  bool saw_client = false;
  for (const auto& line : main_->log()) saw_client |= contains(line, "ketenhub-test");
  EXPECT_TRUE(saw_client);
}

TEST_F(HttpsClientTest, Status503WithRetryAfterIsRetryable) {
  auto a = adapter(partner(main_->url("/status/503?retry_after=7")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "HTTP 503");
  EXPECT_EQ(o.retry_after_seconds, 7);
  EXPECT_TRUE(o.receipt.empty());
}

TEST_F(HttpsClientTest, Status429WithHttpDateRetryAfterInThePast) {
  auto a = adapter(
      partner(main_->url("/status/429?retry_after=Sun,%2006%20Nov%201994%2008:49:37%20GMT")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "HTTP 429");
  EXPECT_EQ(o.retry_after_seconds, 0);
}

TEST_F(HttpsClientTest, Status400IsPermanent) {
  auto a = adapter(partner(main_->url("/status/400")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "HTTP 400");
  EXPECT_EQ(o.http_status, 400);
}

TEST_F(HttpsClientTest, ServerFromAnotherCaIsRefusedBeforeTheBodyIsSent) {
  auto a = adapter(partner(other_ca_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("tls: certificate verify failed", 0) == 0) << o.reason;
  EXPECT_EQ(other_ca_->count("request"), 0);
  EXPECT_EQ(other_ca_->count("connection"), 0);
}

TEST_F(HttpsClientTest, SeveralTrustAnchorsAreAllTrusted) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.ca_files = {pki_->path("ca2.pem"), pki_->path("ca1.pem")};
  auto a = adapter(p);
  ASSERT_TRUE(a);
  EXPECT_EQ(deliver(*a, request()).kind, OutcomeKind::kDelivered);
  p.endpoint = other_ca_->url("/status/200");  // server2 is signed by ca2
  auto b = adapter(p);
  ASSERT_TRUE(b);
  // server2 is trusted now, but it does not trust our client certificate (ca1 only is its CA).
  Outcome o = deliver(*b, request());
  EXPECT_NE(o.reason.rfind("tls: certificate verify failed", 0), 0u) << o.reason;
}

TEST_F(HttpsClientTest, HostNameMismatchIsRefused) {
  auto a = adapter(partner(wrong_name_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("tls: certificate verify failed", 0) == 0) << o.reason;
  EXPECT_TRUE(contains(o.reason, "127.0.0.1")) << o.reason;
  EXPECT_EQ(wrong_name_->count("request"), 0);
}

TEST_F(HttpsClientTest, WrongPinIsRefusedAndNamed) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.spki_pins = {pki_->pin("server2")};
  auto a = adapter(p);
  ASSERT_TRUE(a);
  const int before = main_->count("request");
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason,
            "tls: SPKI pin mismatch (server public key matches none of the 1 configured pins)");
  EXPECT_EQ(main_->count("request"), before);
}

TEST_F(HttpsClientTest, RightPinIsDelivered) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.spki_pins = {pki_->pin("server2"), "sha256//" + pki_->pin("server1")};
  auto a = adapter(p);
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
}

TEST_F(HttpsClientTest, ProxyFromTheEnvironmentIsNeverUsed) {
  // A partner coupling goes direct: https_proxy/HTTPS_PROXY/all_proxy pointing at a dead port
  // must not divert (or break) delivery.
  const std::string dead = "http://127.0.0.1:" + std::to_string(testing::closedPort());
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
    setenv(name, dead.c_str(), 1);
  unsetenv("no_proxy");
  unsetenv("NO_PROXY");
  auto a = adapter(partner(main_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  for (const char* name : {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) unsetenv(name);
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
}

TEST_F(HttpsClientTest, ExpectedOinMismatchAbortsTheHandshake) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.expected_oin = "00000001222222222000";
  auto a = adapter(p);
  ASSERT_TRUE(a);
  const int before_requests = main_->count("request");
  const int before_connections = main_->count("connection");
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, std::string("tls: server certificate OIN ") + kServerOin +
                          ", expected 00000001222222222000");
  EXPECT_EQ(main_->count("request"), before_requests);
  EXPECT_EQ(main_->count("connection"), before_connections);
}

TEST_F(HttpsClientTest, ExpectedOinMatchIsDelivered) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.expected_oin = kServerOin;
  auto a = adapter(p);
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  // A second request on the same (reused) connection still goes through.
  EXPECT_EQ(deliver(*a, request()).kind, OutcomeKind::kDelivered);
}

TEST_F(HttpsClientTest, CbcOnlyServerIsRefused) {
  auto a = adapter(partner(cbc_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("tls: handshake failed", 0) == 0) << o.reason;
  EXPECT_EQ(cbc_->count("request"), 0);
}

TEST_F(HttpsClientTest, Tls11OnlyServerIsRefused) {
  auto a = adapter(partner(tls11_->url("/status/200")));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("tls: handshake failed", 0) == 0) << o.reason;
  EXPECT_EQ(tls11_->count("request"), 0);
}

TEST_F(HttpsClientTest, NcscGoodProfileSpeaksTls13) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.profile = "ncsc-good";
  auto a = adapter(p);
  ASSERT_TRUE(a);
  EXPECT_EQ(deliver(*a, request()).kind, OutcomeKind::kDelivered);
  const auto log = main_->log();
  std::string last_connection;
  for (const auto& line : log) {
    if (contains(line, "\"event\": \"connection\"")) last_connection = line;
  }
  EXPECT_TRUE(contains(last_connection, "TLSv1.3")) << last_connection;
}

TEST_F(HttpsClientTest, TwentySequentialPostsUseOneConnection) {
  auto client = HttpsClient::create(partner(main_->url("/status/200")));
  ASSERT_TRUE(client) << client.error().message;
  RestXmlAdapter a(partner(main_->url("/status/200")).endpoint, std::move(*client));
  const int before = main_->count("connection");
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(deliver(a, request()).kind, OutcomeKind::kDelivered) << i;
  }
  EXPECT_EQ(a.client().connectionsOpened(), 1u);
  EXPECT_EQ(main_->count("connection") - before, 1);
}

TEST_F(HttpsClientTest, ConcurrentPostsAreBoundedByConcurrency) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.concurrency = 2;
  auto client = HttpsClient::create(p);
  ASSERT_TRUE(client) << client.error().message;
  RestXmlAdapter a(partner(main_->url("/status/200")).endpoint, std::move(*client));
  std::atomic<int> delivered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (deliver(a, request()).kind == OutcomeKind::kDelivered) ++delivered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(delivered.load(), 30);
  EXPECT_LE(a.client().connectionsOpened(), 2u);
  EXPECT_GE(a.client().connectionsOpened(), 1u);
}

TEST_F(HttpsClientTest, LargeReceiptIsBoundedAndConnectionStaysUsable) {
  auto client = HttpsClient::create(partner(main_->url("/status/200?bigbody=200000")));
  ASSERT_TRUE(client) << client.error().message;
  RestXmlAdapter a(partner(main_->url("/status/200")).endpoint, std::move(*client));
  Outcome o = deliver(a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  EXPECT_EQ(o.receipt.size(), curl::kMaxReceiptBytes);
  EXPECT_EQ(deliver(a, request()).kind, OutcomeKind::kDelivered);
  EXPECT_EQ(a.client().connectionsOpened(), 1u);
}

TEST_F(HttpsClientTest, ConnectionRefused) {
  auto a = adapter(partner("https://127.0.0.1:" + std::to_string(testing::closedPort()) + "/"));
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("connect: refused", 0) == 0) << o.reason;
}

TEST_F(HttpsClientTest, SlowPartnerTimesOut) {
  HttpsTarget p = partner(main_->url("/status/200?delay_ms=1500"));
  p.request_timeout = Millis(300);
  auto a = adapter(p);
  ASSERT_TRUE(a);
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_TRUE(o.reason.rfind("timeout", 0) == 0) << o.reason;
}

TEST_F(HttpsClientTest, HeaderInjectionIsRefusedWithoutSending) {
  auto a = adapter(partner(main_->url("/status/200")));
  ASSERT_TRUE(a);
  const int before = main_->count("request");
  ChannelInput r = request();
  r.case_id = "Z-1\r\nX-Evil: 1";
  Outcome o = deliver(*a, r);
  EXPECT_EQ(o.kind, OutcomeKind::kPermanent);
  EXPECT_EQ(o.reason, "invalid X-Case-Id header value (control character)");
  EXPECT_EQ(main_->count("request"), before);
}

TEST_F(HttpsClientTest, WithoutClientCertificateTheServerRefuses) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.client_cert.clear();
  p.tls.client_key.clear();
  auto a = adapter(p);
  ASSERT_TRUE(a);
  const int before = main_->count("request");
  Outcome o = deliver(*a, request());
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable) << o.reason;
  EXPECT_EQ(main_->count("request"), before);
}

TEST_F(HttpsClientTest, FactoryReportsEveryProblemAtOnce) {
  HttpsTarget p = partner("http://127.0.0.1:1/");
  p.tls.ca_files = {pki_->path("missing.pem"), pki_->path("client.key")};
  p.tls.client_key.clear();
  p.tls.spki_pins = {"not-a-pin"};
  p.tls.profile = "ncsc-best";
  p.concurrency = 0;
  auto client = HttpsClient::create(p);
  ASSERT_FALSE(client);
  const std::string& m = client.error().message;
  EXPECT_EQ(client.error().code, "config");
  EXPECT_TRUE(contains(m, "partner 'om': endpoint 'http://127.0.0.1:1/' must be an https:// URL"))
      << m;
  EXPECT_TRUE(contains(m, "missing.pem")) << m;
  EXPECT_TRUE(contains(m, "client.key holds no PEM certificate")) << m;
  EXPECT_TRUE(contains(m, "tls.client_cert and tls.client_key must be given together")) << m;
  EXPECT_TRUE(contains(m, "SPKI pin 'not-a-pin'")) << m;
  EXPECT_TRUE(contains(m, "unknown TLS profile 'ncsc-best'")) << m;
  EXPECT_TRUE(contains(m, "concurrency must be at least 1")) << m;
}

TEST_F(HttpsClientTest, FactoryRejectsEmptyTrustAnchorsAndBadUrls) {
  HttpsTarget p = partner("not a url");
  p.tls.ca_files.clear();
  auto client = HttpsClient::create(p);
  ASSERT_FALSE(client);
  EXPECT_TRUE(contains(client.error().message, "not a valid absolute URL"));
  EXPECT_TRUE(contains(client.error().message, "at least one trust anchor"));
}

TEST_F(HttpsClientTest, RestXmlFactoryValidatesOnce) {
  HubConfig hub;
  PartnerConfig bad_partner = asPartner(partner("http://example.org/"));
  auto bad = RestXmlAdapter::create({hub, bad_partner, nullptr, {}});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message, "must be an https:// URL"));
  PartnerConfig good_partner = asPartner(partner(main_->url("/status/202")));
  auto good = RestXmlAdapter::create({hub, good_partner, nullptr, {}});
  ASSERT_TRUE(good) << good.error().message;
  auto msg = (*good)->prepare(request());
  ASSERT_TRUE(msg);
  EXPECT_EQ((*good)->send(request(), *msg).kind, OutcomeKind::kDelivered);
}

}  // namespace
}  // namespace hub::curl
