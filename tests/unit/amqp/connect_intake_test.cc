// ConnectIntake against a tiny local Proton "broker" (a listener that serves one queue address as
// a sender), including a broker restart on the same port.
#include "adapters/amqp/connect_intake.h"

#include <gtest/gtest.h>

#include <proton/listen_handler.hpp>
#include <proton/listener.hpp>
#include <proton/source.hpp>

#include "tests/unit/amqp/amqp_test_util.h"

namespace hub::amqp {
namespace {

using test::eventMessage;
using test::FakeSink;
using namespace std::chrono_literals;

class FakeBroker : public proton::messaging_handler, public proton::listen_handler {
 public:
  explicit FakeBroker(int port) {
    container_.listen("127.0.0.1:" + std::to_string(port),
                      static_cast<proton::listen_handler&>(*this));
    thread_ = std::thread([this] { container_.run(); });
    wait([&] { return port_ != 0 || failed_; });
  }
  ~FakeBroker() override { stop(); }

  int port() { return get(port_); }
  std::string address() {
    std::lock_guard<std::mutex> lock(mu_);
    return address_;
  }
  bool waitAttached() {
    return wait([&] { return wq_ != nullptr; });
  }
  bool waitAccepted(int n) {
    return wait([&] { return accepted_ >= n; });
  }
  void send(const proton::message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(m);
    if (wq_) wq_->add([this] { pump(); });
  }
  // Closes connections the way RabbitMQ does on shutdown, then stops.
  void stop() {
    if (!thread_.joinable()) return;
    proton::work_queue* wq;
    {
      std::lock_guard<std::mutex> lock(mu_);
      wq = wq_;
    }
    if (wq) {
      wq->add([this] {
        conn_.close(proton::error_condition("amqp:connection:forced", "broker shutdown"));
      });
      wait([&] { return closed_; });
    }
    test::stopContainer(container_);
    thread_.join();
  }

  void on_open(proton::listener& l) override { set(port_, l.port()); }
  void on_error(proton::listener&, const std::string&) override { set(failed_, true); }
  proton::connection_options on_accept(proton::listener&) override {
    return proton::connection_options().handler(*this);
  }
  void on_sender_open(proton::sender& s) override {
    if (s.uninitialized()) s.open();
    std::lock_guard<std::mutex> lock(mu_);
    sender_ = s;
    conn_ = s.connection();
    address_ = s.source().address();
    wq_ = &s.work_queue();
    cv_.notify_all();
  }
  void on_sendable(proton::sender&) override { pump(); }
  void on_tracker_accept(proton::tracker&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++accepted_;
    cv_.notify_all();
  }
  void on_transport_close(proton::transport&) override {
    std::lock_guard<std::mutex> lock(mu_);
    wq_ = nullptr;
    closed_ = true;
    cv_.notify_all();
  }
  void on_error(const proton::error_condition&) override {}

 private:
  void pump() {
    std::lock_guard<std::mutex> lock(mu_);
    while (sender_ && sender_.active() && sender_.credit() > 0 && !queue_.empty()) {
      sender_.send(queue_.front());
      queue_.pop_front();
    }
  }
  template <class T, class V>
  void set(T& field, V v) {
    std::lock_guard<std::mutex> lock(mu_);
    field = v;
    cv_.notify_all();
  }
  template <class T>
  T get(T& field) {
    std::lock_guard<std::mutex> lock(mu_);
    return field;
  }
  template <class P>
  bool wait(P p) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, test::kWait, p);
  }

  proton::container container_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  int port_ = 0;                          // Guarded by mu_
  bool failed_ = false, closed_ = false;  // Guarded by mu_
  int accepted_ = 0;                      // Guarded by mu_
  std::string address_;                   // Guarded by mu_
  proton::sender sender_;                 // Proton thread (under mu_)
  proton::connection conn_;               // Proton thread
  proton::work_queue* wq_ = nullptr;      // Guarded by mu_
  std::deque<proton::message> queue_;     // Guarded by mu_
};

// connected() is a state flag flipped by the Proton thread; poll it with a deadline.
bool waitConnected(const ConnectIntake& in, bool want) {
  for (auto end = std::chrono::steady_clock::now() + test::kWait;
       std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(5ms)) {
    if (in.connected() == want) return true;
  }
  return false;
}

TEST(ConnectIntake, ConsumesAcceptsAfterCommitAndReconnectsAfterBrokerRestart) {
  auto broker = std::make_unique<FakeBroker>(0);
  const int port = broker->port();
  ASSERT_GT(port, 0);

  FakeSink sink;
  ConnectSource src;
  src.name = "test-connect";
  src.urls = {"amqp://127.0.0.1:" + std::to_string(port)};
  src.address = "/amq/queue/ketenhub.events";
  src.reconnect_initial = Millis(20);
  src.reconnect_max = Millis(100);
  IntakeConfig cfg;
  cfg.credit_window = 5;
  ConnectIntake intake(src, cfg, sink, 20ms);
  ASSERT_TRUE(intake.start().has_value());
  ASSERT_TRUE(broker->waitAttached());
  EXPECT_EQ(broker->address(), "/amq/queue/ketenhub.events");
  ASSERT_TRUE(waitConnected(intake, true));

  broker->send(eventMessage(std::string("c-1"), "{}"));
  ASSERT_TRUE(sink.waitForCount(1));
  EXPECT_EQ(sink.envelope(0).source, "test-connect");
  sink.complete(0, true);
  ASSERT_TRUE(broker->waitAccepted(1));

  broker->send(eventMessage(std::string("c-2"), "{}"));  // in flight when the broker goes away
  ASSERT_TRUE(sink.waitForCount(2));
  broker->stop();
  broker.reset();
  ASSERT_TRUE(waitConnected(intake, false));
  sink.complete(1, true);  // late commit for a dead transport: ignored, the broker redelivers

  broker = std::make_unique<FakeBroker>(port);
  ASSERT_EQ(broker->port(), port);
  ASSERT_TRUE(broker->waitAttached());
  ASSERT_TRUE(waitConnected(intake, true));
  broker->send(eventMessage(std::string("c-2"), "{}"));  // the redelivery
  ASSERT_TRUE(sink.waitForCount(3));
  EXPECT_EQ(sink.envelope(2).message_id, "c-2");
  sink.complete(2, true);
  ASSERT_TRUE(broker->waitAccepted(1));
  intake.stop();
  EXPECT_FALSE(intake.connected());
}

TEST(ConnectIntake, MissingPasswordFileIsAnError) {
  FakeSink sink;
  ConnectSource src;
  src.name = "c";
  src.urls = {"amqp://127.0.0.1:1"};
  src.address = "/amq/queue/q";
  src.user = "hub";
  src.password_file = "/nonexistent/password";
  ConnectIntake intake(src, IntakeConfig{}, sink);
  auto r = intake.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "io");
}

TEST(ConnectIntake, StopWhileBrokerUnreachableReturns) {
  FakeSink sink;
  ConnectSource src;
  src.name = "c";
  src.urls = {"amqp://127.0.0.1:1", "amqp://127.0.0.1:2"};
  src.address = "/amq/queue/q";
  src.reconnect_initial = Millis(10);
  src.reconnect_max = Millis(50);
  ConnectIntake intake(src, IntakeConfig{}, sink);
  ASSERT_TRUE(intake.start().has_value());
  EXPECT_FALSE(intake.connected());
  intake.stop();
  intake.stop();
}

}  // namespace
}  // namespace hub::amqp
