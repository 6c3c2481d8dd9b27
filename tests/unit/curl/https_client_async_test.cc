// Non-blocking HTTPS (HttpsClient::postAsync, hub/curl/multi_loop.h, RestXmlAdapter::sendAsync)
// against real TLS servers on loopback (tls_test_server.py), no mocks: results equal post()'s,
// `done` is called exactly once on the client's I/O thread, connections are reused, and
// destroying the client lets the transfers in flight end.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/rest_xml/rest_xml_adapter.h"
#include "hub/curl/curl_global.h"
#include "hub/curl/https_client.h"
#include "hub/curl/multi_loop.h"
#include "tests/unit/curl/test_partner.h"

namespace hub::curl {
namespace {

using adapters::RestXmlAdapter;
using testing::sourceDir;
using testing::TestPki;
using testing::TestServer;

constexpr auto kWait = std::chrono::seconds(10);

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string threadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// What the `done` callbacks of a batch of requests delivered, keyed by request index.
class Results {
 public:
  void add(int index, HttpResult r) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_[index] += 1;
    results_[index] = std::move(r);
    threads_[index] = std::this_thread::get_id();
    names_[index] = threadName();
    ++total_;
    cv_.notify_all();
  }
  // False when fewer than n callbacks arrived within kWait.
  bool waitFor(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return total_ >= n; });
  }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  int calls(int index) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(index);
    return it == calls_.end() ? 0 : it->second;
  }
  HttpResult result(int index) const {
    std::lock_guard<std::mutex> lock(mu_);
    return results_.at(index);
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::thread::id> ids;
    for (const auto& [i, id] : threads_) ids.insert(id);
    return ids;
  }
  std::set<std::string> threadNames() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> names;
    for (const auto& [i, n] : names_) names.insert(n);
    return names;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, int> calls_;
  std::map<int, HttpResult> results_;
  std::map<int, std::thread::id> threads_;
  std::map<int, std::string> names_;
  int total_ = 0;
};

// The fields of two results that must agree between post() and postAsync().
void expectSameResult(const HttpResult& sync, const HttpResult& async) {
  EXPECT_EQ(async.curl_code, sync.curl_code);
  EXPECT_EQ(async.transport, sync.transport);
  EXPECT_EQ(async.tls_error, sync.tls_error);
  EXPECT_EQ(async.http_status, sync.http_status);
  EXPECT_EQ(async.body, sync.body);
  EXPECT_EQ(async.retry_after, sync.retry_after);
  EXPECT_EQ(async.date.has_value(), sync.date.has_value());
  EXPECT_EQ(classifyHttp(async).kind, classifyHttp(sync).kind);
}

class HttpsClientAsyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    global_ = new CurlGlobal();
    pki_ = new TestPki();
    main_ = new TestServer(*pki_, "main", "server1");
    other_ca_ = new TestServer(*pki_, "otherca", "server2");
    const std::string cmd = "bash " + sourceDir() + "/deploy/pki/make-test-crl.sh " +
                            pki_->path("ca1.pem") + " " + pki_->path("ca1.key") + " " +
                            pki_->path("clean.crl");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() {
    delete other_ca_;
    delete main_;
    delete pki_;
    delete global_;
  }

  static HttpsTarget partner(const std::string& url, int concurrency = 4) {
    return testing::partnerTarget(*pki_, url, concurrency);
  }

  static std::unique_ptr<HttpsClient> client(const HttpsTarget& p) {
    auto c = HttpsClient::create(p);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c ? std::move(*c) : nullptr;
  }

  static Headers headers(const std::string& id) {
    return {{"Content-Type", "application/xml"}, {"X-Message-Id", id}};
  }

  // post() and postAsync() of the same request on two fresh clients of `p`; the async result
  // is the one its `done` got (called exactly once, on another thread).
  static std::pair<HttpResult, HttpResult> bothWays(const HttpsTarget& p) {
    auto sync_client = client(p);
    auto async_client = client(p);
    if (!sync_client || !async_client) return {};
    HttpResult sync = sync_client->post("<x/>", headers("both"));
    Results got;
    async_client->postAsync("<x/>", headers("both"), [&](HttpResult r) { got.add(0, r); });
    EXPECT_TRUE(got.waitFor(1));
    async_client.reset();  // nothing in flight any more: a second call would show now
    EXPECT_EQ(got.calls(0), 1);
    if (got.calls(0) != 1) return {sync, {}};
    EXPECT_NE(*got.threads().begin(), std::this_thread::get_id());
    return {sync, got.result(0)};
  }

  static inline CurlGlobal* global_ = nullptr;
  static inline TestPki* pki_ = nullptr;
  static inline TestServer* main_ = nullptr;
  static inline TestServer* other_ca_ = nullptr;
};

TEST_F(HttpsClientAsyncTest, FiftyPostsFromFourThreadsEachDoneOnceOnReusedConnections) {
  constexpr int kRequests = 50;
  constexpr int kThreads = 4;
  constexpr int kConcurrency = 3;
  auto c = client(partner(main_->url("/status/200"), kConcurrency));
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->sendsAsync());
  const int connections_before = main_->count("connection");
  const int requests_before = main_->count("request");
  const int64_t started = nowMs();
  Results got;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kRequests; i += kThreads) {
        c->postAsync("<bericht nr=\"" + std::to_string(i) + "\"/>",
                     headers("m-" + std::to_string(i)),
                     [&got, i](HttpResult r) { got.add(i, std::move(r)); });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(got.waitFor(kRequests)) << got.total() << " of " << kRequests << " done";
  const int64_t finished = nowMs();
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(got.calls(i), 1) << i;
    const HttpResult r = got.result(i);
    EXPECT_EQ(r.curl_code, 0) << i << ": " << r.curl_error;
    EXPECT_EQ(r.transport, TransportError::kNone) << i;
    EXPECT_FALSE(r.tls_error) << i;
    EXPECT_EQ(r.http_status, 200) << i;
    // Each answer belongs to its own request (the server echoes X-Message-Id).
    EXPECT_EQ(r.body, "receipt:m-" + std::to_string(i)) << i;
    EXPECT_TRUE(r.date.has_value()) << i;
    EXPECT_GE(r.received_at_ms, started) << i;
    EXPECT_LE(r.received_at_ms, finished) << i;
    EXPECT_EQ(classifyHttp(r).kind, OutcomeKind::kDelivered) << i;
  }
  EXPECT_EQ(main_->count("request") - requests_before, kRequests);
  // Connections are kept alive and shared: never more than the concurrency.
  EXPECT_GE(c->connectionsOpened(), 1u);
  EXPECT_LE(c->connectionsOpened(), static_cast<uint64_t>(kConcurrency));
  EXPECT_LE(main_->count("connection") - connections_before, kConcurrency);
  c.reset();
  EXPECT_EQ(got.total(), kRequests);  // the destructor called nothing twice
}

TEST_F(HttpsClientAsyncTest, SequentialPostAsyncReuseOneConnection) {
  auto c = client(partner(main_->url("/status/200")));
  ASSERT_TRUE(c);
  const int connections_before = main_->count("connection");
  Results got;
  for (int i = 0; i < 10; ++i) {
    c->postAsync("<x/>", headers("s-" + std::to_string(i)),
                 [&got, i](HttpResult r) { got.add(i, std::move(r)); });
    ASSERT_TRUE(got.waitFor(i + 1)) << i;
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got.result(i).http_status, 200) << i;
  EXPECT_EQ(c->connectionsOpened(), 1u);
  EXPECT_EQ(main_->count("connection") - connections_before, 1);
}

TEST_F(HttpsClientAsyncTest, DoneRunsOnTheClientsIoThread) {
  auto c = client(partner(main_->url("/status/200")));
  ASSERT_TRUE(c);
  Results got;
  for (int i = 0; i < 6; ++i)
    c->postAsync("<x/>", headers("t"), [&got, i](HttpResult r) { got.add(i, std::move(r)); });
  ASSERT_TRUE(got.waitFor(6));
  const auto ids = got.threads();
  ASSERT_EQ(ids.size(), 1u);  // one I/O thread per client
  EXPECT_NE(*ids.begin(), std::this_thread::get_id());
  EXPECT_EQ(got.threadNames(), std::set<std::string>{"kh-http-om"});
}

TEST_F(HttpsClientAsyncTest, FieldsEqualPostForAnErrorStatusWithRetryAfter) {
  auto [sync, async] = bothWays(partner(main_->url("/status/503?retry_after=7")));
  EXPECT_EQ(sync.http_status, 503);
  EXPECT_EQ(sync.retry_after, std::optional<std::string>("7"));
  EXPECT_EQ(sync.body, "error");
  expectSameResult(sync, async);
  EXPECT_GT(async.received_at_ms, 0);
  EXPECT_EQ(classifyHttp(async).retry_after_seconds, std::optional<long>(7));
}

TEST_F(HttpsClientAsyncTest, ConnectRefusedIsClassifiedAsPostDoes) {
  auto [sync, async] =
      bothWays(partner("https://127.0.0.1:" + std::to_string(testing::closedPort()) + "/"));
  EXPECT_EQ(sync.transport, TransportError::kConnectRefused) << sync.curl_error;
  EXPECT_EQ(async.transport, TransportError::kConnectRefused) << async.curl_error;
  expectSameResult(sync, async);
  EXPECT_EQ(classifyHttp(async).reason.rfind("connect: refused", 0), 0u)
      << classifyHttp(async).reason;
}

TEST_F(HttpsClientAsyncTest, UntrustedServerIsClassifiedAsPostDoes) {
  const int before = other_ca_->count("request");
  auto [sync, async] = bothWays(partner(other_ca_->url("/status/200")));
  EXPECT_EQ(sync.transport, TransportError::kTlsVerify) << sync.curl_error;
  EXPECT_TRUE(sync.tls_error);
  expectSameResult(sync, async);
  EXPECT_EQ(async.curl_error, sync.curl_error);
  EXPECT_EQ(classifyHttp(async).reason, classifyHttp(sync).reason);
  EXPECT_EQ(other_ca_->count("request"), before);
}

TEST_F(HttpsClientAsyncTest, PinMismatchIsClassifiedAsPostDoes) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.spki_pins = {pki_->pin("server2")};
  const int before = main_->count("request");
  auto [sync, async] = bothWays(p);
  EXPECT_EQ(sync.transport, TransportError::kTlsPin) << sync.curl_error;
  expectSameResult(sync, async);
  EXPECT_EQ(async.curl_error, "server public key matches none of the 1 configured pins");
  EXPECT_EQ(main_->count("request"), before);
}

TEST_F(HttpsClientAsyncTest, OinMismatchIsClassifiedAsPostDoes) {
  HttpsTarget p = partner(main_->url("/status/200"));
  p.tls.expected_oin = "00000001222222222000";
  const int before = main_->count("request");
  auto [sync, async] = bothWays(p);
  EXPECT_EQ(sync.transport, TransportError::kTlsPeerIdentity) << sync.curl_error;
  expectSameResult(sync, async);
  EXPECT_EQ(async.curl_error, sync.curl_error);
  EXPECT_EQ(main_->count("request"), before);
}

TEST_F(HttpsClientAsyncTest, TimeoutIsClassifiedAsPostDoes) {
  HttpsTarget p = partner(main_->url("/status/200?delay_ms=1500"));
  p.request_timeout = Millis(300);
  auto [sync, async] = bothWays(p);
  EXPECT_EQ(sync.transport, TransportError::kTimeout) << sync.curl_error;
  expectSameResult(sync, async);
}

TEST_F(HttpsClientAsyncTest, DestroyingTheClientLetsTransfersInFlightEnd) {
  constexpr int kRequests = 4;
  auto c = client(partner(main_->url("/status/200?delay_ms=300"), kRequests));
  ASSERT_TRUE(c);
  Results got;
  const auto issued = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    c->postAsync("<x/>", headers("d-" + std::to_string(i)),
                 [&got, i](HttpResult r) { got.add(i, std::move(r)); });
  }
  const int before_destroy = got.total();
  c.reset();
  const auto waited = std::chrono::steady_clock::now() - issued;
  EXPECT_LT(before_destroy, kRequests);  // the server holds every answer for 300 ms
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  ASSERT_EQ(got.total(), kRequests);
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(got.calls(i), 1) << i;
    const HttpResult r = got.result(i);
    EXPECT_EQ(r.http_status, 200) << i << ": " << r.curl_error;
    EXPECT_EQ(r.body, "receipt:d-" + std::to_string(i)) << i;
  }
}

TEST_F(HttpsClientAsyncTest, DestroyingRightAfterIssuingCallsEveryDoneOnce) {
  // More requests than handles: postAsync waits for a handle, the destructor for the rest.
  constexpr int kRequests = 12;
  const std::string refused = "https://127.0.0.1:" + std::to_string(testing::closedPort()) + "/";
  for (const std::string& url : {main_->url("/status/200"), refused}) {
    auto c = client(partner(url, 2));
    ASSERT_TRUE(c);
    Results got;
    for (int i = 0; i < kRequests; ++i) {
      c->postAsync("<x/>", headers("r-" + std::to_string(i)),
                   [&got, i](HttpResult r) { got.add(i, std::move(r)); });
    }
    c.reset();
    ASSERT_EQ(got.total(), kRequests) << url;
    for (int i = 0; i < kRequests; ++i) {
      EXPECT_EQ(got.calls(i), 1) << url << " " << i;
      const HttpResult r = got.result(i);
      if (url == refused) {
        EXPECT_EQ(r.transport, TransportError::kConnectRefused) << i << ": " << r.curl_error;
      } else {
        EXPECT_EQ(r.http_status, 200) << i << ": " << r.curl_error;
      }
    }
  }
}

TEST_F(HttpsClientAsyncTest, PostAndPostAsyncMixOnOneClient) {
  auto c = client(partner(main_->url("/status/200"), 2));
  ASSERT_TRUE(c);
  Results got;
  std::thread syncs([&] {
    for (int i = 0; i < 10; ++i) {
      HttpResult r = c->post("<x/>", headers("p-" + std::to_string(i)));
      EXPECT_EQ(r.body, "receipt:p-" + std::to_string(i)) << r.curl_error;
    }
  });
  for (int i = 0; i < 10; ++i) {
    c->postAsync("<x/>", headers("a-" + std::to_string(i)),
                 [&got, i](HttpResult r) { got.add(i, std::move(r)); });
  }
  syncs.join();
  ASSERT_TRUE(got.waitFor(10));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(got.calls(i), 1) << i;
    EXPECT_EQ(got.result(i).body, "receipt:a-" + std::to_string(i)) << i;
  }
}

TEST_F(HttpsClientAsyncTest, RestXmlSendAsyncClassifiesAsSendDoes) {
  for (const char* path : {"/status/200", "/status/503?retry_after=7", "/status/400"}) {
    HttpsTarget p = partner(main_->url(path));
    auto sync_client = client(p);
    auto async_client = client(p);
    ASSERT_TRUE(sync_client && async_client);
    RestXmlAdapter sync(p.endpoint, std::move(sync_client));
    RestXmlAdapter async(p.endpoint, std::move(async_client));
    EXPECT_TRUE(async.sendsAsync());
    ChannelInput in;
    in.delivery_id = "19a47920-8815-5ffa-a8cc-a16b2b6535c3";
    in.message_id = "msg-0001";
    in.case_id = "Z-2025-000123";
    in.event_type = "wvggz.crisismaatregel.genomen";
    in.partner = "om";
    in.product = "kennisgeving-crisismaatregel";
    in.signed_product = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><kennisgeving/>";
    auto msg = sync.prepare(in);
    ASSERT_TRUE(msg);
    const Outcome expected = sync.send(in, *msg);
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Outcome> outcomes;
    async.sendAsync(in, *msg, [&](Outcome o) {
      std::lock_guard<std::mutex> lock(mu);
      outcomes.push_back(std::move(o));
      cv.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(mu);
      ASSERT_TRUE(cv.wait_for(lock, kWait, [&] { return !outcomes.empty(); })) << path;
    }
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(outcomes.size(), 1u) << path;
    EXPECT_EQ(outcomes[0].kind, expected.kind) << path;
    EXPECT_EQ(outcomes[0].reason, expected.reason) << path;
    EXPECT_EQ(outcomes[0].http_status, expected.http_status) << path;
    EXPECT_EQ(outcomes[0].receipt, expected.receipt) << path;
    EXPECT_EQ(outcomes[0].retry_after_seconds, expected.retry_after_seconds) << path;
  }
}

TEST_F(HttpsClientAsyncTest, WithCrlPostAsyncBlocksAndCallsDoneBeforeReturning) {
  HttpsTarget p = partner(main_->url("/status/200"), 1);
  p.tls.crl = {pki_->path("clean.crl")};
  p.state_dir = pki_->path("state");
  auto c = client(p);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->sendsAsync());
  int calls = 0;
  HttpResult got;
  std::thread::id on;
  c->postAsync("<x/>", headers("crl-1"), [&](HttpResult r) {
    ++calls;
    got = std::move(r);
    on = std::this_thread::get_id();
  });
  EXPECT_EQ(calls, 1);  // before postAsync returned
  EXPECT_EQ(on, std::this_thread::get_id());
  EXPECT_EQ(got.http_status, 200) << got.curl_error;
  EXPECT_EQ(got.body, "receipt:crl-1");
  RestXmlAdapter a(p.endpoint, std::move(c));
  EXPECT_FALSE(a.sendsAsync());
}

}  // namespace
}  // namespace hub::curl
