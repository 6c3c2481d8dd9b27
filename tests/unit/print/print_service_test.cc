// URL mode: the letter and its manifest POSTed as multipart/form-data over mutual TLS to a test
// print service (tests/unit/curl/tls_test_server.py on 127.0.0.1, a throwaway PKI).
#include <gtest/gtest.h>

#include "adapters/print/print_channel.h"
#include "hub/curl/curl_global.h"
#include "tests/unit/curl/test_partner.h"
#include "tests/unit/print/print_test_support.h"

namespace hub::adapters::print {
namespace {

class PrintService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    global_ = new curl::CurlGlobal();
    pki_ = new curl::testing::TestPki();
    server_ = new curl::testing::TestServer(*pki_, "print", "server1");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
    delete global_;
  }

  static std::unique_ptr<Channel> channel(const std::string& path) {
    PrintHubOptions o = testing::spoolOptions("");
    o.spool_dir.clear();
    o.url = server_->url(path);
    o.tls.ca_files = {pki_->path("ca1.pem")};
    o.tls.client_cert = pki_->path("client.pem");
    o.tls.client_key = pki_->path("client.key");
    o.request_timeout = Millis(10000);
    auto ch = PrintChannel::create(o, testing::partnerAddress("igj"), testing::partnerConfig("igj"),
                                   testing::sourceDir() + "/mappings", {"melding-ibs"});
    EXPECT_TRUE(ch) << ch.error().message;
    return ch ? std::move(*ch) : nullptr;
  }

  static ChannelInput input() {
    for (const auto& g : testing::goldenProducts())
      if (g.product == "melding-ibs")
        return testing::inputFor(g, testing::readFile(g.path), "d-url-1", "");
    return {};
  }

  static curl::CurlGlobal* global_;
  static curl::testing::TestPki* pki_;
  static curl::testing::TestServer* server_;
};

curl::CurlGlobal* PrintService::global_ = nullptr;
curl::testing::TestPki* PrintService::pki_ = nullptr;
curl::testing::TestServer* PrintService::server_ = nullptr;

TEST_F(PrintService, PostsLetterAndManifestAsMultipart) {
  auto ch = channel("/status/201");
  ASSERT_TRUE(ch);
  const ChannelInput in = input();
  auto msg = ch->prepare(in);
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_EQ(msg->target, server_->url("/status/201"));
  ASSERT_EQ(msg->headers.size(), 2u);
  EXPECT_EQ(msg->headers[0].second.rfind("multipart/form-data; boundary=ketenhub-", 0), 0u);
  Outcome o = ch->send(in, *msg);
  EXPECT_EQ(o.kind, OutcomeKind::kDelivered) << o.reason;
  const std::string req = server_->lastRequest();
  EXPECT_NE(req.find("\"x-message-id\": \"d-url-1\""), std::string::npos) << req;
  EXPECT_NE(req.find("name=\\\"letter\\\"; filename=\\\"igj-d-url-1.pdf\\\""), std::string::npos);
  EXPECT_NE(req.find("name=\\\"manifest\\\"; filename=\\\"igj-d-url-1.json\\\""),
            std::string::npos);
  EXPECT_NE(req.find("%PDF-"), std::string::npos);
}

TEST_F(PrintService, ClassifiesTheAnswer) {
  const ChannelInput in = input();
  auto busy = channel("/status/503?retry_after=30");
  ASSERT_TRUE(busy);
  Outcome o = busy->send(in, *busy->prepare(in));
  EXPECT_EQ(o.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(o.reason, "print service: HTTP 503");
  EXPECT_EQ(o.retry_after_seconds, 30);
  auto refused = channel("/status/422");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->send(in, *refused->prepare(in)).kind, OutcomeKind::kPermanent);
}

TEST_F(PrintService, NoServiceIsRetryable) {
  PrintHubOptions o = testing::spoolOptions("");
  o.spool_dir.clear();
  o.url = "https://127.0.0.1:" + std::to_string(curl::testing::closedPort()) + "/letters";
  o.tls.ca_files = {pki_->path("ca1.pem")};
  o.tls.client_cert = pki_->path("client.pem");
  o.tls.client_key = pki_->path("client.key");
  auto ch = PrintChannel::create(o, testing::partnerAddress("igj"), testing::partnerConfig("igj"),
                                 testing::sourceDir() + "/mappings", {"melding-ibs"});
  ASSERT_TRUE(ch) << ch.error().message;
  const ChannelInput in = input();
  Outcome out = (*ch)->send(in, *(*ch)->prepare(in));
  EXPECT_EQ(out.kind, OutcomeKind::kRetryable);
  EXPECT_EQ(out.reason, "print service: connect: refused");
}

TEST_F(PrintService, UnreadableClientKeyIsAConfigError) {
  PrintHubOptions o = testing::spoolOptions("");
  o.spool_dir.clear();
  o.url = server_->url("/status/200");
  o.tls.ca_files = {pki_->path("ca1.pem")};
  o.tls.client_cert = pki_->path("client.pem");
  o.tls.client_key = pki_->path("missing.key");
  auto ch = PrintChannel::create(o, testing::partnerAddress("igj"), testing::partnerConfig("igj"),
                                 testing::sourceDir() + "/mappings", {"melding-ibs"});
  ASSERT_FALSE(ch);
  EXPECT_EQ(ch.error().code, "config");
}

}  // namespace
}  // namespace hub::adapters::print
