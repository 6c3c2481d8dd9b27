#pragma once
// Test doubles for the AmqpPublisher tests: FakePeer, a Proton listener that accepts, rejects,
// releases or holds what it receives, grants credit by hand, ends its session the way RabbitMQ 3.10
// does on shutdown, and can be stopped and started again on the same port; Outcomes, which counts
// every `done` per message id.
#include <gtest/gtest.h>

#include <proton/delivery.hpp>
#include <proton/listen_handler.hpp>
#include <proton/listener.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/session.hpp>
#include <proton/target.hpp>

#include "adapters/amqp/amqp_publisher.h"
#include "tests/unit/amqp/amqp_test_util.h"

namespace hub::amqp::test {

enum class Verdict { kAccept, kReject, kRelease, kHold };

struct Received {
  std::string id, body, content_type, subject, address;
  bool durable = false;
  bool data_section = false;
};

class FakePeer : public proton::messaging_handler, public proton::listen_handler {
 public:
  // accept: options for accepted connections (TLS, SASL); the handler is set here.
  FakePeer(int port, Verdict verdict, int credit_window = 100,
           proton::connection_options accept = proton::connection_options())
      : verdict_(verdict), credit_window_(credit_window), accept_(std::move(accept)) {
    accept_.handler(*this);
    container_.listen("127.0.0.1:" + std::to_string(port),
                      static_cast<proton::listen_handler&>(*this));
    thread_ = std::thread([this] { container_.run(); });
    wait([&] { return port_ != 0 || failed_; });
  }
  ~FakePeer() override { stop(); }

  int port() {
    std::lock_guard<std::mutex> lock(mu_);
    return port_;
  }
  bool waitMessages(size_t n) {
    return wait([&] { return received_.size() >= n; });
  }
  bool waitLinks(int n) {
    return wait([&] { return links_ >= n; });
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_.size();
  }
  Received message(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return received_.at(i);
  }
  void setVerdict(Verdict v) {
    std::lock_guard<std::mutex> lock(mu_);
    verdict_ = v;
  }
  // Settles the oldest n held deliveries (accepted or rejected), on the peer's thread.
  void settleHeld(size_t n, bool accept) {
    onPeerThread([this, n, accept] {
      for (size_t i = 0; i < n && !held_.empty(); ++i) {
        accept ? held_.front().accept() : held_.front().reject();
        held_.pop_front();
      }
    });
  }
  void grant(int credit) {
    onPeerThread([this, credit] { receiver_.add_credit(credit); });
  }
  // RabbitMQ 3.10 on shutdown: `end` with amqp:internal-error, the connection stays up.
  void endSession() {
    onPeerThread([this] {
      receiver_.session().close(proton::error_condition("amqp:internal-error", "shutting down"));
    });
  }
  void stop() {
    if (!thread_.joinable()) return;
    onPeerThread([this] {
      held_.clear();
      if (conn_) conn_.close(proton::error_condition("amqp:connection:forced", "peer stops"));
    });
    stopContainer(container_);
    thread_.join();
  }

  void on_open(proton::listener& l) override { set(port_, l.port()); }
  void on_error(proton::listener&, const std::string&) override { set(failed_, true); }
  proton::connection_options on_accept(proton::listener&) override { return accept_; }
  void on_connection_open(proton::connection& c) override {
    if (c.uninitialized()) c.open();
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = c;
    wq_ = &c.work_queue();
  }
  void on_receiver_open(proton::receiver& r) override {
    if (r.uninitialized()) {
      r.open(proton::receiver_options().auto_accept(false).credit_window(credit_window_));
    }
    std::lock_guard<std::mutex> lock(mu_);
    receiver_ = r;
    ++links_;
    cv_.notify_all();
  }
  void on_message(proton::delivery& d, proton::message& m) override {
    Received rec;
    rec.id = proton::get<std::string>(m.id());
    rec.content_type = m.content_type();
    rec.subject = m.subject();
    rec.durable = m.durable();
    rec.address = d.receiver().target().address();
    rec.data_section = m.body().type() == proton::BINARY && m.inferred();
    if (rec.data_section) rec.body = std::string(proton::get<proton::binary>(m.body()));
    Verdict v;
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(rec);
      v = verdict_;
      cv_.notify_all();
    }
    switch (v) {
      case Verdict::kAccept:
        d.accept();
        break;
      case Verdict::kReject:
        d.reject();
        break;
      case Verdict::kRelease:
        d.release();
        break;
      case Verdict::kHold:
        held_.push_back(d);
        break;
    }
  }
  void on_transport_close(proton::transport&) override {
    std::lock_guard<std::mutex> lock(mu_);
    wq_ = nullptr;
    conn_ = proton::connection();
    held_.clear();
  }
  void on_error(const proton::error_condition&) override {}

 private:
  void onPeerThread(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mu_);
    if (wq_) wq_->add(std::move(f));
  }
  template <class T, class V>
  void set(T& field, V v) {
    std::lock_guard<std::mutex> lock(mu_);
    field = v;
    cv_.notify_all();
  }
  template <class P>
  bool wait(P p) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, p);
  }

  proton::container container_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  Verdict verdict_;                    // Guarded by mu_
  const int credit_window_;            // immutable
  proton::connection_options accept_;  // set in the constructor, then read-only
  int port_ = 0;                       // Guarded by mu_
  bool failed_ = false;                // Guarded by mu_
  int links_ = 0;                      // Guarded by mu_
  std::vector<Received> received_;     // Guarded by mu_
  proton::work_queue* wq_ = nullptr;   // Guarded by mu_
  proton::connection conn_;            // Proton thread (under mu_)
  proton::receiver receiver_;          // Proton thread (under mu_)
  std::deque<proton::delivery> held_;  // Only used on the peer's Proton thread
};

// Counts every `done` per message id.
class Outcomes {
 public:
  std::function<void(bool)> callback(const std::string& id) {
    return [this, id](bool ok) {
      std::lock_guard<std::mutex> lock(mu_);
      ++(ok ? accepted_ : failed_)[id];
      ++total_;
      cv_.notify_all();
    };
  }
  bool waitTotal(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kWait, [&] { return total_ >= n; });
  }
  int total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  int accepted(const std::string& id) { return get(accepted_, id); }
  int failed(const std::string& id) { return get(failed_, id); }
  int acceptedCount() { return count(accepted_); }
  int failedCount() { return count(failed_); }

 private:
  int get(std::map<std::string, int>& m, const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = m.find(id);
    return it == m.end() ? 0 : it->second;
  }
  int count(std::map<std::string, int>& m) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (auto& [id, c] : m) n += c;
    return n;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> accepted_, failed_;  // Guarded by mu_
  int total_ = 0;                                 // Guarded by mu_
};

inline PublisherOptions optionsFor(std::vector<int> ports) {
  PublisherOptions o;
  o.name = "test-notify";
  for (int p : ports) o.urls.push_back("amqp://127.0.0.1:" + std::to_string(p));
  o.address = "/amq/queue/ketenhub.status";
  o.reconnect_initial = std::chrono::milliseconds(20);
  o.reconnect_max = std::chrono::milliseconds(100);
  return o;
}

inline std::unique_ptr<AmqpPublisher> startOrDie(const PublisherOptions& o) {
  auto p = AmqpPublisher::start(o);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message);
  return p ? std::move(*p) : nullptr;
}

// A port that nothing listens on (a peer bound it and went away).
inline int deadPort() {
  FakePeer p(0, Verdict::kAccept);
  return p.port();
}

inline bool waitConnected(const AmqpPublisher& p, bool want) {
  for (auto end = std::chrono::steady_clock::now() + kWait; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(5ms)) {
    if (p.connected() == want) return true;
  }
  return false;
}

inline std::string idOf(int i) { return "n-" + std::to_string(i); }
inline std::string bodyOf(int i) {
  return "{\"delivery\":" + std::to_string(i) + ",\"state\":\"ok\"}";
}

inline void publishRange(AmqpPublisher& p, Outcomes& out, int from, int to) {
  for (int i = from; i < to; ++i) p.publish(idOf(i), bodyOf(i), out.callback(idOf(i)));
}

}  // namespace hub::amqp::test
