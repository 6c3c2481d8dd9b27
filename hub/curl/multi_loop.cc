#include "hub/curl/multi_loop.h"

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::curl {
namespace {

// The loop wakes at least this often; curl shortens the wait to its own timers (timeouts).
constexpr int kPollMs = 1000;

}  // namespace

Result<std::unique_ptr<MultiLoop>> MultiLoop::create(const std::string& thread_name,
                                                     long max_connections) {
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return unexpected(errc::kTransport, "curl_multi_init failed");
  if (curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connections) != CURLM_OK) {
    curl_multi_cleanup(multi);
    return unexpected(errc::kTransport, "libcurl refused CURLMOPT_MAXCONNECTS");
  }
  std::unique_ptr<MultiLoop> loop(new MultiLoop(multi));
  loop->thread_ = std::thread([raw = loop.get(), thread_name] {
    nameThisThread(thread_name);
    raw->loop();
  });
  return loop;
}

MultiLoop::MultiLoop(CURLM* multi) : multi_(multi) {}

MultiLoop::~MultiLoop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      // A `done` dropped the last owner: never join oneself (the contract forbids this).
      log::error("curl loop destroyed from its own thread; leaving it running", {});
      thread_.detach();
      return;
    }
    thread_.join();
  }
  curl_multi_cleanup(multi_);
}

void MultiLoop::add(CURL* easy, Done done) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // One wake-up per batch: while pending_ is not empty, the wake-up sent when it stopped being
    // empty is still due (the loop polls, sees it and takes the whole batch), so a second one
    // would only cost a syscall here and a spurious poll return there.
    wake = pending_.empty();
    pending_.emplace_back(easy, std::move(done));
  }
  if (wake) curl_multi_wakeup(multi_);
}

void MultiLoop::takePending() {
  std::vector<std::pair<CURL*, Done>> added;
  {
    std::lock_guard<std::mutex> lock(mu_);
    added.swap(pending_);
  }
  for (auto& [easy, done] : added) {
    if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
      done(CURLE_FAILED_INIT);
      continue;
    }
    running_.emplace(easy, std::move(done));
  }
}

void MultiLoop::finishDone() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = running_.find(easy);
    if (it == running_.end()) continue;
    Done done = std::move(it->second);
    running_.erase(it);
    done(code);
  }
}

void MultiLoop::loop() {
  for (;;) {
    takePending();
    int active = 0;
    curl_multi_perform(multi_, &active);
    finishDone();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ && pending_.empty() && running_.empty()) return;
    }
    curl_multi_poll(multi_, nullptr, 0, kPollMs, nullptr);
  }
}

}  // namespace hub::curl
