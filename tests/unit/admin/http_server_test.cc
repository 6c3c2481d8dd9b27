#include "hub/admin/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "hub/core/error_codes.h"
#include "tests/unit/admin/http_test_client.h"
#include "tests/unit/admin/tls_test_client.h"

namespace hub::admin {
namespace {

using namespace std::chrono_literals;
using testing::connectLoopback;
using testing::exchange;
using testing::Fd;
using testing::get;
using testing::readResponse;
using testing::sendAll;
using testing::waitClosed;
using Clock = std::chrono::steady_clock;

// Routes for the tests: /healthz, /echo (body back), /peer (the peer address), /auth (whether an
// Authorization header came, case-insensitively), /slow (waits for `release`).
struct TestHandler {
  std::shared_future<void> release;
  HttpResponse operator()(const HttpRequest& r) const {
    if (r.target == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n", {}};
    if (r.target == "/echo") return {200, "application/octet-stream", r.body, {{"X-Test", "1"}}};
    if (r.target == "/peer") return {200, "text/plain; charset=utf-8", r.peer, {}};
    if (r.target == "/auth") return {200, "text/plain", r.header("AUTHORIZATION") ? "y" : "n", {}};
    if (r.target == "/slow") {
      release.wait_for(10s);
      return {200, "text/plain", "slow\n", {}};
    }
    return {404, "text/plain; charset=utf-8", "not found\n", {}};
  }
};

HttpServerOptions loopbackAnyPort() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  return o;
}

std::unique_ptr<HttpServer> startOrDie(const HttpServerOptions& o, TestHandler h = {}) {
  auto s = HttpServer::start(o, h);
  if (!s) ADD_FAILURE() << s.error().code << ": " << s.error().message;
  return s ? std::move(*s) : nullptr;
}

int64_t msSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

TEST(HttpServerTest, AnswersWithStandardHeaders) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  auto r = exchange(fd, get("/healthz", "Authorization: Bearer secret\r\n"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok\n");
  EXPECT_EQ(r->header("Server"), "ketenhub");
  EXPECT_EQ(r->header("Content-Length"), "3");
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
  EXPECT_EQ(r->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  r = exchange(fd, get("/auth", "authorization: Basic eDp5\r\n"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "y");
  r = exchange(fd, get("/nope"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

// (1) Fifty connected clients that send nothing do not delay a fifty-first.
TEST(HttpServerTest, IdleClientsDoNotBlockOthers) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  std::vector<Fd> idle;
  for (int i = 0; i < 50; ++i) {
    idle.push_back(connectLoopback(server->port()));
    ASSERT_TRUE(idle.back().valid());
  }
  const auto t0 = Clock::now();
  Fd fd = connectLoopback(server->port());
  auto r = exchange(fd, get("/healthz"), 2s);
  const auto ms = msSince(t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(ms, 100) << "GET /healthz took " << ms << " ms behind 50 idle connections";
  for (const Fd& f : idle) EXPECT_FALSE(waitClosed(f, 0ms));  // still open (read_timeout 5 s)
}

// A slow handler holds only its own connection.
TEST(HttpServerTest, SlowHandlerDoesNotBlockOthers) {
  std::promise<void> release;
  TestHandler h{release.get_future().share()};
  auto server = startOrDie(loopbackAnyPort(), h);
  ASSERT_TRUE(server);
  Fd slow = connectLoopback(server->port());
  ASSERT_TRUE(sendAll(slow, get("/slow")));
  Fd fd = connectLoopback(server->port());
  auto r = exchange(fd, get("/healthz"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  release.set_value();
  auto s = readResponse(slow, 5s);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "slow\n");
}

// (2) Slowloris: one header byte every 200 ms is cut off after read_timeout.
TEST(HttpServerTest, SlowlorisIsCutOffAfterReadTimeout) {
  HttpServerOptions o = loopbackAnyPort();
  o.read_timeout = 1s;
  auto server = startOrDie(o);
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  const auto t0 = Clock::now();
  const std::string request = get("/healthz", "X-Drip: " + std::string(100, 'a') + "\r\n");
  bool closed = false;
  for (size_t i = 0; i < request.size() && msSince(t0) < 5000; ++i) {
    if (!sendAll(fd, request.substr(i, 1)) || waitClosed(fd, 200ms)) {
      closed = true;
      break;
    }
  }
  const auto ms = msSince(t0);
  EXPECT_TRUE(closed);
  EXPECT_GE(ms, 800);
  EXPECT_LE(ms, 2500);
  Fd other = connectLoopback(server->port());
  auto r = exchange(other, get("/healthz"), 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// A connection that sends nothing at all is closed after read_timeout too.
TEST(HttpServerTest, SilentConnectionIsClosedAfterReadTimeout) {
  HttpServerOptions o = loopbackAnyPort();
  o.read_timeout = 300ms;
  auto server = startOrDie(o);
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  EXPECT_TRUE(waitClosed(fd, 3s));
}

// (3) Limits: header over max_header_bytes -> 431, body over max_body_bytes -> 413.
TEST(HttpServerTest, HeaderTooLargeIs431) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  auto r = exchange(fd, get("/healthz", "X-Big: " + std::string(20 * 1024, 'h') + "\r\n"), 3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(waitClosed(fd, 3s));
}

TEST(HttpServerTest, BodyTooLargeIs413AndSmallBodyPasses) {
  HttpServerOptions o = loopbackAnyPort();
  o.max_body_bytes = 1024;
  auto server = startOrDie(o);
  ASSERT_TRUE(server);
  auto post = [](size_t n) {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n" +
           std::string(n, 'b');
  };
  Fd fd = connectLoopback(server->port());
  auto ok = exchange(fd, post(1024), 2s);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, std::string(1024, 'b'));
  EXPECT_EQ(ok->header("X-Test"), "1");
  auto big = exchange(fd, post(4096), 3s);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_TRUE(waitClosed(fd, 3s));
}

TEST(HttpServerTest, GarbageIs400) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  auto r = exchange(fd, "NOT HTTP AT ALL\r\n\r\n", 2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(waitClosed(fd, 3s));
}

// (4) Keep-alive: three requests on one connection, then Connection: close is honoured.
TEST(HttpServerTest, KeepAliveServesSeveralRequestsThenHonoursClose) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  std::string first_peer;
  for (int i = 0; i < 3; ++i) {
    auto r = exchange(fd, get("/peer"), 2s);
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->header("Connection"), "close");
    EXPECT_EQ(r->body.rfind("127.0.0.1:", 0), 0u) << r->body;
    if (i == 0) first_peer = r->body;
    EXPECT_EQ(r->body, first_peer);  // same connection
  }
  auto last = exchange(fd, get("/healthz", "Connection: close\r\n"), 2s);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->header("Connection"), "close");
  EXPECT_TRUE(waitClosed(fd, 3s));
}

TEST(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  HttpServerOptions o = loopbackAnyPort();
  o.idle_timeout = 300ms;
  auto server = startOrDie(o);
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  ASSERT_TRUE(exchange(fd, get("/healthz"), 2s));
  const auto t0 = Clock::now();
  EXPECT_TRUE(waitClosed(fd, 3s));
  EXPECT_GE(msSince(t0), 200);
}

// (5) Over max_connections a connection is closed at once; the server keeps serving.
TEST(HttpServerTest, ConnectionsOverTheCapAreClosedAtOnce) {
  HttpServerOptions o = loopbackAnyPort();
  o.max_connections = 3;
  auto server = startOrDie(o);
  ASSERT_TRUE(server);
  std::vector<Fd> held;
  for (int i = 0; i < 3; ++i) {  // a request on each: all three are accepted and counted
    held.push_back(connectLoopback(server->port()));
    auto r = exchange(held.back(), get("/healthz"), 2s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  const auto t0 = Clock::now();
  Fd extra = connectLoopback(server->port());
  ASSERT_TRUE(extra.valid());
  auto busy = readResponse(extra, 2s);  // 503 (or a bare close)
  if (busy) {
    EXPECT_EQ(busy->status, 503);
  }
  EXPECT_TRUE(waitClosed(extra, 2s));
  EXPECT_LT(msSince(t0), 1000);

  held.pop_back();  // frees a slot once the server sees the close
  std::optional<testing::RawResponse> r;
  for (const auto deadline = Clock::now() + 3s; !r && Clock::now() < deadline;) {
    Fd again = connectLoopback(server->port());
    r = exchange(again, get("/healthz"), 500ms);
    if (r && r->status != 200) r.reset();
  }
  ASSERT_TRUE(r) << "no slot freed";
  EXPECT_EQ(r->status, 200);
  for (const Fd& f : held) EXPECT_TRUE(exchange(f, get("/healthz"), 2s));
}

TEST(HttpServerTest, StopClosesOpenConnections) {
  auto server = startOrDie(loopbackAnyPort());
  ASSERT_TRUE(server);
  Fd fd = connectLoopback(server->port());
  ASSERT_TRUE(exchange(fd, get("/healthz"), 2s));
  server->stop();
  EXPECT_TRUE(waitClosed(fd, 2s));
  server->stop();  // idempotent
}

// (7) Strict listen addresses.
TEST(HttpServerTest, ListenAddressIsParsedStrictly) {
  for (const char* bad : {"127.0.0.1:abc", "0.0.0.0:80", "127.0.0.1:", "127.0.0.1:65536",
                          "127.0.0.1:+80", "127.0.0.1: 80", "127.0.0.1:80x", "::1:80", ":80",
                          "127.0.0.1", "localhost:-1", "10.1.2.3:80", "[127.0.0.1]:80"}) {
    auto r = parseListenAddress(bad, false);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, errc::kConfig) << bad;
    }
  }
  auto v4 = parseListenAddress("127.0.0.1:8081", false);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8081);
  auto local = parseListenAddress("localhost:0", false);
  ASSERT_TRUE(local);
  EXPECT_EQ(local->host, "127.0.0.1");
  auto v6 = parseListenAddress("[::1]:65535", false);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
  EXPECT_TRUE(parseListenAddress("0.0.0.0:80", true));
}

TEST(HttpServerTest, StartRefusesBadOptions) {
  auto h = TestHandler{};
  for (const char* listen : {"127.0.0.1:abc", "0.0.0.0:80"}) {
    HttpServerOptions o;
    o.listen = listen;
    auto s = HttpServer::start(o, h);
    ASSERT_FALSE(s) << listen;
    EXPECT_EQ(s.error().code, errc::kConfig);
  }
  HttpServerOptions o = loopbackAnyPort();
  o.tls_cert = "/nonexistent/cert.pem";  // key missing
  EXPECT_FALSE(HttpServer::start(o, h));
  o = loopbackAnyPort();
  o.threads = 0;
  EXPECT_FALSE(HttpServer::start(o, h));
}

// (6) Mutual TLS with the test PKI from deploy/pki/make-test-pki.sh.
class HttpServerTlsTest : public ::testing::Test {
 protected:
  static std::string pki(const std::string& name) { return dir() + "/" + name; }
  static const std::string& dir() {
    static const std::string kDir = [] {
      const char* src = std::getenv("KETENHUB_SOURCE_DIR");
#ifdef KETENHUB_SOURCE_DIR
      if (!src) src = KETENHUB_SOURCE_DIR;
#endif
      char tmpl[] = "/tmp/ketenhub-admin-pki-XXXXXX";
      if (!src || ::mkdtemp(tmpl) == nullptr) return std::string();
      const std::string d = tmpl;
      const std::string cmd = "bash '" + std::string(src) + "/deploy/pki/make-test-pki.sh' '" + d +
                              "' --sign-key ec256 >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) return std::string();
      static std::string to_remove;
      to_remove = d;
      std::atexit([] { (void)std::system(("rm -rf '" + to_remove + "'").c_str()); });
      return d;
    }();
    return kDir;
  }
  std::unique_ptr<HttpServer> startTls() {
    HttpServerOptions o = loopbackAnyPort();
    o.tls_cert = pki("partner-om.crt");
    o.tls_key = pki("partner-om.key");
    o.tls_client_ca = pki("ca.crt");
    return startOrDie(o);
  }
};

TEST_F(HttpServerTlsTest, ClientCertificateIsRequired) {
  ASSERT_FALSE(dir().empty()) << "make-test-pki.sh failed (KETENHUB_SOURCE_DIR set?)";
  auto server = startTls();
  ASSERT_TRUE(server);
  const std::string ca = pki("ca.crt");
  auto with =
      testing::tlsGet(server->port(), "/healthz", ca, pki("hub-client.crt"), pki("hub-client.key"));
  EXPECT_TRUE(with.handshake_ok) << with.error;
  EXPECT_EQ(with.status, 200) << with.error;

  // TLS 1.3 reports a refused client certificate after the client's side of the handshake, so
  // the client may fail on its first read rather than in the handshake: no response either way.
  auto without = testing::tlsGet(server->port(), "/healthz", ca, "", "");
  EXPECT_EQ(without.status, 0);
  EXPECT_FALSE(without.error.empty());

  auto rogue = testing::tlsGet(server->port(), "/healthz", ca, pki("rogue-client.crt"),
                               pki("rogue-client.key"));
  EXPECT_EQ(rogue.status, 0);
  EXPECT_FALSE(rogue.error.empty());

  // Plain HTTP on the TLS port gets no HTTP answer.
  Fd fd = connectLoopback(server->port());
  EXPECT_FALSE(exchange(fd, get("/healthz"), 2s));
}

TEST_F(HttpServerTlsTest, KeyReadableByOthersIsRefused) {
  ASSERT_FALSE(dir().empty());
  const std::string key = dir() + "/loose.key";
  ASSERT_EQ(
      std::system(
          ("cp '" + pki("partner-om.key") + "' '" + key + "' && chmod 644 '" + key + "'").c_str()),
      0);
  HttpServerOptions o = loopbackAnyPort();
  o.tls_cert = pki("partner-om.crt");
  o.tls_key = key;
  auto s = HttpServer::start(o, TestHandler{});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, errc::kConfig);
}

}  // namespace
}  // namespace hub::admin
