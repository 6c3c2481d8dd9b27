// MultiLoop (hub/curl/multi_loop.h) on its own, with plain curl easy handles: transfers end on
// the loop thread with curl's result, curl's timers bound a stalled transfer, and the destructor
// ends every transfer added, even those a `done` added.
#include "hub/curl/multi_loop.h"

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
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/curl/curl_global.h"
#include "tests/unit/curl/test_partner.h"

namespace hub::curl {
namespace {

constexpr auto kWait = std::chrono::seconds(10);

std::string threadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// MultiLoop on its own, with plain curl easy handles.
class MultiLoopAsyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { global_ = new CurlGlobal(); }
  static void TearDownTestSuite() { delete global_; }

  void SetUp() override {
    char tmpl[] = "/tmp/ketenhub-multi-loop-XXXXXX";
    const int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    file_ = tmpl;
    const std::string text = "hallo keten\n";
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
  }
  void TearDown() override { std::remove(file_.c_str()); }

  static size_t onBody(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
  }

  // An easy handle for `url` writing into `body`.
  static CURL* easy(const std::string& url, std::string* body, long timeout_ms = 3000) {
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    return e;
  }

  static std::unique_ptr<MultiLoop> loop() {
    auto l = MultiLoop::create("kh-test-loop", 4);
    EXPECT_TRUE(l.has_value());
    return l ? std::move(*l) : nullptr;
  }

  std::string fileUrl() const { return "file://" + file_; }

  static inline CurlGlobal* global_ = nullptr;
  std::string file_;
};

TEST_F(MultiLoopAsyncTest, FileTransferEndsWithOkOnTheLoopThread) {
  auto l = loop();
  ASSERT_TRUE(l);
  std::string body;
  CURL* e = easy(fileUrl(), &body);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<CURLcode> codes;
  std::thread::id on;
  std::string name;
  l->add(e, [&](CURLcode rc) {
    std::lock_guard<std::mutex> lock(mu);
    codes.push_back(rc);
    on = std::this_thread::get_id();
    name = threadName();
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kWait, [&] { return !codes.empty(); }));
  }
  l.reset();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], CURLE_OK);
  EXPECT_EQ(body, "hallo keten\n");
  EXPECT_NE(on, std::this_thread::get_id());
  EXPECT_EQ(name, "kh-test-loop");
  curl_easy_cleanup(e);  // removed from the multi handle before done ran
}

TEST_F(MultiLoopAsyncTest, ConnectFailureIsReported) {
  auto l = loop();
  ASSERT_TRUE(l);
  std::string body;
  CURL* e = easy("http://127.0.0.1:" + std::to_string(testing::closedPort()) + "/", &body);
  std::atomic<int> calls{0};
  std::atomic<int> code{-1};
  l->add(e, [&](CURLcode rc) {
    code = rc;
    ++calls;
  });
  l.reset();  // waits for the transfer
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(code.load(), CURLE_COULDNT_CONNECT);
  curl_easy_cleanup(e);
}

TEST_F(MultiLoopAsyncTest, CurlTimersEndAStalledTransferWithinTheirTimeout) {
  // A listening socket that never accepts: the connect succeeds (backlog), no answer comes.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  auto l = loop();
  ASSERT_TRUE(l);
  std::string body;
  CURL* e = easy(url, &body, 200);
  std::atomic<int> code{-1};
  std::atomic<int> calls{0};
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int64_t> took_ms{0};
  l->add(e, [&](CURLcode rc) {
    took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    code = rc;
    ++calls;
  });
  l.reset();
  close(fd);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(code.load(), CURLE_OPERATION_TIMEDOUT);
  EXPECT_GE(took_ms.load(), 190);
  EXPECT_LT(took_ms.load(), 900);  // not the loop's 1 s poll: curl's own timer woke it
  curl_easy_cleanup(e);
}

TEST_F(MultiLoopAsyncTest, DestructorEndsEveryAddedTransferEvenOnesAddedByDone) {
  constexpr int kHandles = 20;
  auto l = loop();
  ASSERT_TRUE(l);
  MultiLoop* raw = l.get();
  std::vector<std::string> bodies(kHandles);
  std::vector<CURL*> handles;
  std::vector<std::atomic<int>> first(kHandles), second(kHandles);
  std::vector<CURLcode> codes(kHandles, CURLE_FAILED_INIT);
  for (int i = 0; i < kHandles; ++i) handles.push_back(easy(fileUrl(), &bodies[i]));
  for (int i = 0; i < kHandles; ++i) {
    // `done` may reuse its handle: the first transfer's done adds the handle again.
    CURL* e = handles[i];
    raw->add(e, [&, raw, e, i](CURLcode) {
      ++first[i];
      raw->add(e, [&, i](CURLcode rc) {
        codes[i] = rc;
        ++second[i];
      });
    });
  }
  l.reset();  // right away: every transfer, and the ones their done added, still end
  for (int i = 0; i < kHandles; ++i) {
    EXPECT_EQ(first[i].load(), 1) << i;
    EXPECT_EQ(second[i].load(), 1) << i;
    EXPECT_EQ(codes[i], CURLE_OK) << i;
    EXPECT_EQ(bodies[i], "hallo keten\nhallo keten\n") << i;
    curl_easy_cleanup(handles[i]);
  }
}

}  // namespace
}  // namespace hub::curl
