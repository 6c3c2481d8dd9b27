// Revocation end to end at the hub/curl level: CrlStore (files, cached distribution-point copies,
// fail closed) and HttpsClient handshakes against a real TLS server whose certificate a test CA
// revokes (deploy/pki/make-test-crl.sh, `openssl ca -gencrl`).
#include "hub/curl/crl_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <ctime>
#include <filesystem>
#include <thread>

#include "hub/curl/crl_fetch.h"
#include "hub/curl/curl_global.h"
#include "hub/curl/https_client.h"
#include "hub/tls/expiry_registry.h"
#include "tests/unit/curl/test_partner.h"

namespace hub::curl {
namespace {

using testing::readText;
using testing::sourceDir;
using testing::TestPki;
using testing::TestServer;

class FakeClock final : public TimeSource {
 public:
  int64_t nowMs() const override { return ms; }
  int64_t ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
};

// Nothing listens on port 1: a distribution point that is down.
constexpr const char* kDownUrl = "http://127.0.0.1:1/ca1.crl";

class CrlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    global_ = new CurlGlobal();
    pki_ = new TestPki();
    server_ = new TestServer(*pki_, "crl", "server1");
    makeCrl("revoking.crl", "ca1", pki_->path("server1.pem"));
    makeCrl("clean.crl", "ca1", "");
    makeCrl("expired.crl", "ca1", "--expired");
    makeCrl("other.crl", "ca2", "");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
    delete global_;
  }
  static void makeCrl(const std::string& name, const std::string& ca, const std::string& args) {
    const std::string cmd = "bash " + sourceDir() + "/deploy/pki/make-test-crl.sh " +
                            pki_->path(ca + ".pem") + " " + pki_->path(ca + ".key") + " " +
                            pki_->path(name) + " " + args;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static CrlStoreConfig config(std::vector<std::string> sources) {
    CrlStoreConfig c;
    c.partner = "om";
    c.sources = std::move(sources);
    c.cache_dir = pki_->path("cache");
    c.ca_bundle = readText(pki_->path("ca1.pem"));
    c.connect_timeout_ms = 1000;
    c.fetch_timeout_ms = 2000;
    return c;
  }
  static HttpsTarget partner(std::vector<std::string> crl) {
    HttpsTarget p = testing::partnerTarget(*pki_, server_->url("/om"), 1);
    p.tls.crl = std::move(crl);
    p.state_dir = pki_->path("state");
    return p;
  }
  static HttpResult post(const HttpsTarget& target) {
    auto client = HttpsClient::create(target);
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return {};
    return (*client)->post("<x/>", {{"Content-Type", "application/xml"}});
  }

  static CurlGlobal* global_;
  static TestPki* pki_;
  static TestServer* server_;
};
CurlGlobal* CrlTest::global_ = nullptr;
TestPki* CrlTest::pki_ = nullptr;
TestServer* CrlTest::server_ = nullptr;

TEST_F(CrlTest, FileSourceIsLoadedAtCreation) {
  FakeClock clock;
  auto store = CrlStore::create(config({pki_->path("revoking.crl")}), clock);
  ASSERT_TRUE(store) << store.error().message;
  CrlView v = (*store)->view();
  EXPECT_EQ(v.unavailable, "");
  ASSERT_EQ(v.crls.size(), 1u);
  EXPECT_EQ(v.crls[0]->revokedCount(), 1u);
}

TEST_F(CrlTest, MissingOrForeignFileIsAConfigError) {
  FakeClock clock;
  auto missing = CrlStore::create(config({pki_->path("nope.crl")}), clock);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("tls.crl[0]"), std::string::npos);
  auto foreign = CrlStore::create(config({pki_->path("other.crl")}), clock);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message.find("not among the partner's trust anchors"),
            std::string::npos)
      << foreign.error().message;
}

TEST_F(CrlTest, ExpiredFileFailsClosed) {
  FakeClock clock;
  auto store = CrlStore::create(config({pki_->path("expired.crl")}), clock);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->view().unavailable, "crl[0] expired");
}

TEST_F(CrlTest, UrlWithoutCopyIsUnavailableWhileDown) {
  FakeClock clock;
  auto c = config({kDownUrl});
  c.cache_dir = pki_->path("empty-cache");
  auto store = CrlStore::create(c, clock);
  ASSERT_TRUE(store) << store.error().message;
  (*store)->refreshDue();
  const std::string why = (*store)->view().unavailable;
  EXPECT_EQ(why.rfind("crl[0] missing, last fetch: ", 0), 0u) << why;
}

TEST_F(CrlTest, CachedCopyIsUsedWhileTheUrlIsDownUntilItsNextUpdate) {
  FakeClock clock;
  auto c = config({kDownUrl});
  c.policy.refresh_seconds = 60;
  const std::string cached = CrlStore::cachePath(c.cache_dir, "om", kDownUrl);
  ASSERT_TRUE(writeFileAtomically(cached, readText(pki_->path("clean.crl"))));
  auto store = CrlStore::create(c, clock);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->view().crls.size(), 1u);
  clock.ms += 3600 * 1000;  // refresh due; the distribution point is down
  (*store)->refreshDue();
  CrlView stale = (*store)->view();
  EXPECT_EQ(stale.unavailable, "");
  EXPECT_EQ(stale.crls.size(), 1u);
  clock.ms += 24 * 3600 * 1000;  // past the copy's nextUpdate
  (*store)->refreshDue();
  const std::string why = (*store)->view().unavailable;
  EXPECT_EQ(why.rfind("crl[0] expired, last fetch: ", 0), 0u) << why;
}

TEST_F(CrlTest, CachedCopyFromAnotherIssuerIsIgnored) {
  FakeClock clock;
  auto c = config({kDownUrl});
  c.cache_dir = pki_->path("foreign-cache");
  ASSERT_TRUE(writeFileAtomically(CrlStore::cachePath(c.cache_dir, "om", kDownUrl),
                                  readText(pki_->path("other.crl"))));
  auto store = CrlStore::create(c, clock);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->view().unavailable, "crl[0] missing");
}

TEST_F(CrlTest, RevokedServerCertificateIsRefusedInTheHandshake) {
  HttpResult r = post(partner({pki_->path("revoking.crl")}));
  EXPECT_EQ(r.transport, TransportError::kTlsRevoked) << r.curl_error;
  EXPECT_EQ(classifyHttp(r).reason, "tls: certificate revoked");
  EXPECT_EQ(classifyHttp(r).kind, OutcomeKind::kRetryable);
}

TEST_F(CrlTest, CleanCrlLetsTheRequestThroughAndRecordsTheServer) {
  HttpResult r = post(partner({pki_->path("clean.crl")}));
  EXPECT_EQ(r.http_status, 200) << r.curl_error;
  bool seen = false;
  for (const auto& c : tls::seenServerCertificates().snapshot())
    seen =
        seen || (c.role == "partner_server" && c.subject.find("CN=127.0.0.1") != std::string::npos);
  EXPECT_TRUE(seen);
}

TEST_F(CrlTest, ExpiredCrlMeansNoConnection) {
  HttpResult r = post(partner({pki_->path("expired.crl")}));
  EXPECT_EQ(r.transport, TransportError::kTlsCrl);
  EXPECT_EQ(classifyHttp(r).reason, "tls: CRL unavailable (crl[0] expired)");
}

TEST_F(CrlTest, ChainCheckPassesWithACrlForEveryCertificate) {
  // crl_check: chain (X509_V_FLAG_CRL_CHECK_ALL): ca1 is the root and the leaf's issuer, so its
  // CRL covers every certificate of the chain.
  HttpsTarget t = partner({pki_->path("clean.crl")});
  t.tls.crl_whole_chain = true;
  HttpResult r = post(t);
  EXPECT_EQ(r.http_status, 200) << r.curl_error;
}

TEST_F(CrlTest, ARevocationAfterConnectingStopsTheReuseOfTheConnection) {
  const std::string file = pki_->path("changing.crl");
  std::filesystem::copy_file(pki_->path("clean.crl"), file,
                             std::filesystem::copy_options::overwrite_existing);
  HttpsTarget t = partner({file});
  t.tls.crl_refresh = Millis(1000);
  auto client = HttpsClient::create(t);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ((*client)->post("<x/>", {}).http_status, 200);
  EXPECT_EQ((*client)->post("<x/>", {}).http_status, 200);
  EXPECT_EQ((*client)->connectionsOpened(), 1u);              // kept alive
  makeCrl("changing.crl", "ca1", pki_->path("server1.pem"));  // a newer list revoking it
  HttpResult r;
  for (int i = 0; i < 40 && r.transport != TransportError::kTlsRevoked; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    r = (*client)->post("<x/>", {});
  }
  EXPECT_EQ(r.transport, TransportError::kTlsRevoked) << r.curl_error;
}

}  // namespace
}  // namespace hub::curl
