#pragma once
// Test doubles for the AMQP intake tests: a FakeSink the test drives by hand, and a Proton client
// sender running its own container thread. Waits are condition variables with timeouts.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <proton/binary.hpp>
#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/sender.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>
#include <string>
#include <thread>
#include <vector>

#include "hub/pipeline/intake.h"

namespace hub::amqp::test {

using namespace std::chrono_literals;
constexpr auto kWait = 10s;

// Stops a container from its own thread (a cross-thread stop() can race a connection that is just
// finishing and leave the container waiting forever in Proton 0.37).
inline void stopContainer(proton::container& c) {
  c.schedule(proton::duration(0), [&c] { c.stop(); });
}

// Records submissions; the test calls `done` itself unless auto-commit is on (then a separate
// "store writer" thread commits each one, like the real store).
class FakeSink : public IntakeSink {
 public:
  struct Item {
    Envelope env;
    std::function<void(bool)> done;
  };
  ~FakeSink() override { setAutoCommit(false); }

  void submit(Envelope env, std::function<void(bool)> done) override {
    std::lock_guard<std::mutex> lock(mu_);
    items_.push_back({std::move(env), std::move(done)});
    ++outstanding_;
    max_outstanding_ = std::max(max_outstanding_, outstanding_);
    if (auto_) queue_.push_back(items_.size() - 1);
    cv_.notify_all();
  }
  bool ready() const override { return ready_.load(); }
  void setReady(bool r) { ready_.store(r); }

  bool waitForCount(size_t n, std::chrono::milliseconds t = kWait) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, t, [&] { return items_.size() >= n; });
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  Envelope envelope(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.at(i).env;
  }
  // Calls item i's done callback (exactly once) on this thread.
  void complete(size_t i, bool committed) {
    std::function<void(bool)> cb;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cb = std::move(items_.at(i).done);
      items_.at(i).done = nullptr;
      --outstanding_;
    }
    if (cb) cb(committed);
  }
  int maxOutstanding() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_outstanding_;
  }
  void setAutoCommit(bool on) {
    if (on) {
      auto_ = true;
      writer_ = std::thread([this] { writerLoop(); });
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!auto_) return;
      auto_ = false;
      cv_.notify_all();
    }
    writer_.join();
  }

 private:
  void writerLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return !auto_ || !queue_.empty(); });
      if (!auto_) return;
      size_t i = queue_.front();
      queue_.pop_front();
      lock.unlock();
      complete(i, true);
      lock.lock();
    }
  }

  std::atomic<bool> ready_{true};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Item> items_;   // Guarded by mu_
  std::deque<size_t> queue_;  // Guarded by mu_
  int outstanding_ = 0;       // Guarded by mu_
  int max_outstanding_ = 0;   // Guarded by mu_
  bool auto_ = false;         // Guarded by mu_ (set before the writer starts)
  std::thread writer_;
};

// A Proton client with one unsettled sender link; messages queue until credit allows.
class TestSender : public proton::messaging_handler {
 public:
  TestSender(std::string url, std::string address)
      : url_(std::move(url)), address_(std::move(address)) {
    thread_ = std::thread([this] {
      try {
        container_.run();
      } catch (...) {
      }
    });
  }
  ~TestSender() override { close(); }

  void send(const proton::message& m) {
    proton::work_queue* wq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(m);
      wq = wq_;
    }
    if (wq) wq->add([this] { pump(); });
  }
  bool waitOpen() {
    return waitUntil([&] { return open_ || !error_.empty(); }) && open_;
  }
  bool waitError() {
    return waitUntil([&] { return !error_.empty(); });
  }
  bool waitSettled(int n, std::chrono::milliseconds t = kWait) {
    return waitUntil([&] { return accepted_ + rejected_ + released_ + settled_other_ >= n; }, t);
  }
  bool waitSent(int n, std::chrono::milliseconds t = kWait) {
    return waitUntil([&] { return sent_ >= n; }, t);
  }
  bool waitClosed() {
    return waitUntil([&] { return closed_; });
  }
  int accepted() { return get(accepted_); }
  int settled() { return get(accepted_) + get(rejected_) + get(released_) + get(settled_other_); }
  int sent() { return get(sent_); }
  std::string error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  void close() {
    if (!thread_.joinable()) return;
    stopContainer(container_);
    thread_.join();
  }

  void on_container_start(proton::container& c) override {
    c.open_sender(url_ + "/" + address_, proton::connection_options().handler(*this));
  }
  void on_sender_open(proton::sender& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    sender_ = s;
    wq_ = &s.work_queue();
    open_ = true;
    cv_.notify_all();
  }
  void on_sendable(proton::sender&) override { pump(); }
  void on_tracker_accept(proton::tracker&) override { bump(accepted_); }
  void on_tracker_reject(proton::tracker&) override { bump(rejected_); }
  void on_tracker_release(proton::tracker&) override { bump(released_); }
  void on_sender_error(proton::sender& s) override { setError(s.error().what()); }
  void on_transport_error(proton::transport& t) override { setError(t.error().what()); }
  void on_connection_error(proton::connection& c) override { setError(c.error().what()); }
  void on_transport_close(proton::transport&) override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    wq_ = nullptr;
    cv_.notify_all();
  }
  void on_error(const proton::error_condition& e) override { setError(e.what()); }

 private:
  void pump() {  // Proton thread
    std::lock_guard<std::mutex> lock(mu_);
    while (sender_ && sender_.active() && sender_.credit() > 0 && !queue_.empty()) {
      sender_.send(queue_.front());
      queue_.pop_front();
      ++sent_;
    }
    cv_.notify_all();
  }
  void bump(int& n) {
    std::lock_guard<std::mutex> lock(mu_);
    ++n;
    cv_.notify_all();
  }
  int get(const int& n) {
    std::lock_guard<std::mutex> lock(mu_);
    return n;
  }
  void setError(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = e.empty() ? "error" : e;
    cv_.notify_all();
  }
  template <class P>
  bool waitUntil(P p, std::chrono::milliseconds t = kWait) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, t, p);
  }

  const std::string url_, address_;
  proton::container container_{*this};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  proton::sender sender_;               // Only used on the Proton thread (under mu_ for simplicity)
  proton::work_queue* wq_ = nullptr;    // Guarded by mu_
  std::deque<proton::message> queue_;   // Guarded by mu_
  bool open_ = false, closed_ = false;  // Guarded by mu_
  int sent_ = 0, accepted_ = 0, rejected_ = 0, released_ = 0, settled_other_ = 0;  // Guarded by mu_
  std::string error_;                                                              // Guarded by mu_
};

inline proton::message eventMessage(const proton::message_id& id, const std::string& body) {
  proton::message m;
  m.id(id);
  m.content_type("application/json");
  m.properties().put("event-type", "wvggz.crisismaatregel.genomen");
  m.properties().put("case-id", "Z-1");
  m.properties().put("actor", "burgemeester:0344:test");
  m.body(proton::binary(body));
  m.inferred(true);  // data section
  return m;
}

}  // namespace hub::amqp::test
