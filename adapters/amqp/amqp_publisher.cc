#include "adapters/amqp/amqp_publisher.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <exception>
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
#include <proton/sender_options.hpp>
#include <proton/session.hpp>
#include <proton/ssl.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>
#include <thread>
#include <utility>

#include "adapters/amqp/amqp_url.h"
#include "adapters/amqp/client_options.h"
#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/tls/tls_profile.h"

namespace hub::amqp {
namespace {

// Heartbeats: a peer that vanished without closing TCP is noticed within about this long, and its
// unsettled messages are reported done(false).
constexpr int64_t kIdleTimeoutMs = 30000;
// Longest single timer: how long stop() may wait for a pending reconnect.
constexpr int64_t kStopTickMs = 100;

// SASL and TLS settings (client_options.h), with heartbeats so a vanished peer is noticed.
Result<proton::connection_options> clientOptions(const PublisherOptions& o, bool tls) {
  proton::connection_options opts;
  opts.idle_timeout(proton::duration(kIdleTimeoutMs));
  if (auto r = applyClientSecurity(opts, {o.user, o.password_file, o.tls_ca, o.tls_cert, o.tls_key},
                                   tls, "publisher");
      !r)
    return unexpected(r.error());
  return opts;
}

proton::message notificationMessage(const std::string& id, const std::string& body,
                                    const std::string& subject) {
  proton::message m;
  m.id(proton::message_id(id));
  m.durable(true);
  m.content_type("application/json");
  if (!subject.empty()) m.subject(subject);
  m.body(proton::binary(body));
  m.inferred(true);  // binary body -> one data section
  return m;
}

}  // namespace

std::chrono::milliseconds reconnectDelay(int attempt, std::chrono::milliseconds initial,
                                         std::chrono::milliseconds max) {
  int64_t d = std::max<int64_t>(initial.count(), 1);
  const int64_t cap = std::max<int64_t>(max.count(), 1);
  for (int i = 0; i < attempt && d < cap; ++i) d *= 2;
  return std::chrono::milliseconds(std::min(d, cap));
}

// Threading: see the header. Members say who owns them.
class AmqpPublisher::Impl : public proton::messaging_handler {
 public:
  Impl(PublisherOptions opts, std::vector<std::string> urls, proton::connection_options copts)
      : opts_(std::move(opts)), urls_(std::move(urls)), conn_opts_(std::move(copts)) {
    conn_opts_.handler(*this);
  }

  void run() {  // owner thread
    container_ = std::make_unique<proton::container>(*this, "ketenhub-publisher-" + opts_.name);
    thread_ = std::thread([this] {
      nameThisThread("kh-amqp-publish");
      try {
        container_->run();
      } catch (const std::exception& e) {
        log::error("amqp publisher container ended",
                   {{"publisher", opts_.name}, {"error", e.what()}});
      }
    });
  }

  void stop() {  // owner thread
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    if (!thread_.joinable()) return;
    // Stop from the container's own thread (a cross-thread stop() can race a closing connection).
    proton::container* c = container_.get();
    c->schedule(proton::duration(0), [this, c] {
      failAll("publisher stopped");
      c->stop();
    });
    thread_.join();
    failAll("publisher stopped");  // the thread is gone: nothing else touches these now
    conn_ = proton::connection();  // drop Proton references before the container goes
    container_.reset();
    log::info("amqp publisher stopped", {{"publisher", opts_.name}});
  }

  void publish(std::string id, std::string body, std::function<void(bool)> done) {  // any thread
    in_flight_.fetch_add(1);
    Outgoing o{std::move(id), std::move(body), std::move(done)};
    std::unique_lock<std::mutex> lock(mu_);
    if (stopped_) {
      lock.unlock();
      finish(o, false);
      return;
    }
    if (queue_.size() >= opts_.max_queued) {
      refused_.push_back(std::move(o));
      if (!refuse_posted_) {
        refuse_posted_ = true;
        container_->schedule(proton::duration(0), [this] { failRefused(); });
      }
      return;
    }
    queue_.push_back(std::move(o));
    if (wq_ != nullptr && !pump_posted_) pump_posted_ = wq_->add([this] { pump(); });
  }

  bool connected() const { return connected_.load(); }
  size_t inFlight() const { return in_flight_.load(); }

  // ---- proton::messaging_handler (Proton thread) ----
  void on_container_start(proton::container&) override { connectNext(); }

  void on_connection_open(proton::connection& c) override {
    proton::ssl ssl = c.transport().ssl();
    const std::string protocol = ssl.protocol();
    const std::string cipher = ssl.cipher();
    if (!protocol.empty() && !tls::negotiatedWithin("ncsc-sufficient", protocol, cipher)) {
      log::warn("amqp publisher connection refused: TLS outside the NCSC profile",
                {{"publisher", opts_.name}, {"protocol", protocol}, {"cipher", cipher}});
      c.close(proton::error_condition("amqp:not-allowed", "TLS outside the NCSC profile"));
      return;
    }
    log::info("amqp publisher connection open",
              {{"publisher", opts_.name}, {"peer", c.container_id()}});
    conn_ = c;
    {
      std::lock_guard<std::mutex> lock(mu_);
      wq_ = &c.work_queue();
      pump_posted_ = false;
    }
    // A fresh session: a session the peer ended stays unusable (RabbitMQ 3.10 on shutdown).
    proton::sender_options so;
    so.delivery_mode(proton::delivery_mode::AT_LEAST_ONCE);
    // Durable terminus: RabbitMQ's /queue/NAME then declares (or matches) a durable queue.
    so.target(proton::target_options().durability_mode(proton::terminus::UNSETTLED_STATE));
    sender_ = c.open_session().open_sender(opts_.address, so);
  }

  void on_sendable(proton::sender& s) override {
    if (s != sender_) return;
    if (!connected_.load()) {
      connected_.store(true);
      attempt_ = 0;
      next_url_ = 0;
      log::info("amqp publisher ready", {{"publisher", opts_.name}, {"address", opts_.address}});
    }
    pump();
  }

  void on_tracker_settle(proton::tracker& t) override {
    auto it = unsettled_.find(t);
    if (it == unsettled_.end()) return;  // already reported (link lost or stopped)
    Outgoing o = std::move(it->second);
    unsettled_.erase(it);
    const bool accepted = t.state() == proton::transfer::ACCEPTED;
    if (!accepted) {
      log::warn("amqp notification not accepted",
                {{"publisher", opts_.name}, {"id", o.id}, {"outcome", to_string(t.state())}});
    }
    finish(o, accepted);
    pump();
  }

  void on_sender_detach(proton::sender& s) override { senderGone(s); }
  void on_sender_close(proton::sender& s) override { senderGone(s); }
  void on_session_close(proton::session& s) override {
    if (sender_ && sender_.session() == s) linkLost("session ended by peer", s.error().what());
  }
  void on_connection_close(proton::connection& c) override {
    linkLost("connection closed by peer", c.error().what());
  }
  void on_transport_error(proton::transport& t) override {
    if (isStopped()) return;  // our own stop aborts the connection
    log::warn("amqp publisher transport error",
              {{"publisher", opts_.name}, {"error", t.error().what()}});
  }
  void on_transport_close(proton::transport&) override {
    linkLost("connection lost", "");
    conn_ = proton::connection();
    {
      std::lock_guard<std::mutex> lock(mu_);
      wq_ = nullptr;
      pump_posted_ = false;
    }
    scheduleReconnect();
  }
  // The default throws out of container::run(): errors are handled by the events above.
  void on_error(const proton::error_condition& e) override {
    log::debug("amqp publisher error", {{"publisher", opts_.name}, {"error", e.what()}});
  }

 private:
  struct Outgoing {
    std::string id;
    std::string body;  // cleared once sent
    std::function<void(bool)> done;
  };

  bool isStopped() {  // any thread
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }

  void finish(Outgoing& o, bool accepted) {  // Proton thread (owner thread once stopped)
    in_flight_.fetch_sub(1);
    auto done = std::move(o.done);
    o.done = nullptr;
    if (done) done(accepted);
  }

  void connectNext() {  // Proton thread
    reconnect_pending_ = false;
    if (isStopped()) return;
    const std::string& url = urls_[next_url_ % urls_.size()];
    ++next_url_;
    log::debug("amqp publisher connecting", {{"publisher", opts_.name}, {"url", url}});
    try {
      container_->connect(url, conn_opts_);
    } catch (const std::exception& e) {
      log::error("amqp publisher connect failed", {{"publisher", opts_.name}, {"error", e.what()}});
      scheduleReconnect();
    }
  }

  void scheduleReconnect() {  // Proton thread
    if (reconnect_pending_ || isStopped()) return;
    reconnect_pending_ = true;
    const auto delay = reconnectDelay(attempt_++, opts_.reconnect_initial, opts_.reconnect_max);
    log::info("amqp publisher reconnecting",
              {{"publisher", opts_.name}, {"delay_ms", static_cast<int64_t>(delay.count())}});
    waitThenConnect(std::chrono::steady_clock::now() + delay);
  }

  // Waits in short ticks: container::stop() lets a pending timer expire before run() returns, so
  // one long timer would hold stop() for up to reconnect_max.
  void waitThenConnect(std::chrono::steady_clock::time_point at) {  // Proton thread
    if (isStopped()) return;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        at - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      connectNext();
      return;
    }
    const int64_t tick = std::min<int64_t>(left.count(), kStopTickMs);
    container_->schedule(proton::duration(tick), [this, at] { waitThenConnect(at); });
  }

  void pump() {  // Proton thread
    {
      std::lock_guard<std::mutex> lock(mu_);
      pump_posted_ = false;
    }
    if (!sender_ || !sender_.active()) return;
    const size_t max_unsettled = static_cast<size_t>(opts_.max_in_flight);
    while (sender_.credit() > 0 && unsettled_.size() < max_unsettled) {
      Outgoing o;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.empty()) break;
        o = std::move(queue_.front());
        queue_.pop_front();
      }
      proton::tracker t = sender_.send(notificationMessage(o.id, o.body, opts_.subject));
      o.body.clear();
      o.body.shrink_to_fit();
      unsettled_.emplace(t, std::move(o));
    }
  }

  void senderGone(proton::sender& s) {  // Proton thread
    if (s == sender_) linkLost("link detached by peer", s.error().what());
  }

  // The sender link is gone or going: report every unsettled message done(false) now and close
  // the connection; on_transport_close then reconnects.
  void linkLost(const std::string& why, const std::string& peer_error) {  // Proton thread
    if (!sender_ && unsettled_.empty()) return;
    connected_.store(false);
    sender_ = proton::sender();
    const size_t n = failUnsettled();
    log::warn("amqp publisher link lost", {{"publisher", opts_.name},
                                           {"reason", why},
                                           {"peer_error", peer_error},
                                           {"unsettled_failed", static_cast<int64_t>(n)}});
    if (conn_ && !conn_.closed()) conn_.close();
  }

  size_t failUnsettled() {  // Proton thread (owner thread once stopped)
    std::map<proton::tracker, Outgoing> lost;
    lost.swap(unsettled_);
    for (auto& [t, o] : lost) finish(o, false);
    return lost.size();
  }

  void failRefused() {  // Proton thread (owner thread once stopped)
    std::vector<Outgoing> refused;
    {
      std::lock_guard<std::mutex> lock(mu_);
      refused.swap(refused_);
      refuse_posted_ = false;
    }
    if (!refused.empty()) {
      log::warn("amqp publisher queue full: notifications refused",
                {{"publisher", opts_.name}, {"count", static_cast<int64_t>(refused.size())}});
    }
    for (auto& o : refused) finish(o, false);
  }

  void failAll(const std::string& why) {  // Proton thread (owner thread once stopped)
    connected_.store(false);
    sender_ = proton::sender();
    size_t n = failUnsettled();
    std::deque<Outgoing> queued;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queued.swap(queue_);
    }
    n += queued.size();
    for (auto& o : queued) finish(o, false);
    failRefused();
    if (n > 0) {
      log::info("amqp publisher reported unsent notifications",
                {{"publisher", opts_.name}, {"reason", why}, {"count", static_cast<int64_t>(n)}});
    }
  }

  const PublisherOptions opts_;                   // immutable
  const std::vector<std::string> urls_;           // immutable; Proton connect URLs
  proton::connection_options conn_opts_;          // set in the constructor, then read-only
  std::unique_ptr<proton::container> container_;  // created by run(); reset by stop() after join
  std::thread thread_;                            // Only used by the owner thread

  std::mutex mu_;
  bool stopped_ = false;              // Guarded by mu_
  proton::work_queue* wq_ = nullptr;  // Guarded by mu_: the open connection's, else null
  std::deque<Outgoing> queue_;        // Guarded by mu_: waiting for credit / in-flight room
  std::vector<Outgoing> refused_;     // Guarded by mu_: over max_queued, failed on Proton thread
  bool pump_posted_ = false;          // Guarded by mu_
  bool refuse_posted_ = false;        // Guarded by mu_

  std::atomic<bool> connected_{false};  // thread safe
  std::atomic<size_t> in_flight_{0};    // thread safe

  // Only used on the Proton thread (and by the owner thread after the join in stop()).
  proton::connection conn_;
  proton::sender sender_;  // the current link, null when none
  std::map<proton::tracker, Outgoing> unsettled_;
  int attempt_ = 0;      // reconnect attempts since a link last had credit
  size_t next_url_ = 0;  // index into urls_ of the next attempt
  bool reconnect_pending_ = false;
};

Result<std::unique_ptr<AmqpPublisher>> AmqpPublisher::start(const PublisherOptions& opts) {
  if (opts.urls.empty())
    return unexpected(errc::kConfig, "publisher '" + opts.name + "' has no urls");
  if (opts.address.empty()) {
    return unexpected(errc::kConfig, "publisher '" + opts.name + "' has no address");
  }
  if (opts.max_in_flight <= 0 || opts.max_queued == 0) {
    return unexpected(errc::kConfig, "publisher '" + opts.name +
                                         "': max_in_flight and max_queued must be positive");
  }
  bool tls = !opts.tls_ca.empty() || !opts.tls_cert.empty();
  std::vector<std::string> urls;
  for (const auto& u : opts.urls) {
    auto cu = connectUrl(u, &tls);
    if (!cu) return unexpected(cu.error());
    urls.push_back(*cu);
  }
  auto copts = clientOptions(opts, tls);
  if (!copts) return unexpected(copts.error());
  auto impl = std::make_unique<Impl>(opts, std::move(urls), std::move(*copts));
  impl->run();
  log::info("amqp publisher starting", {{"publisher", opts.name},
                                        {"address", opts.address},
                                        {"urls", static_cast<int>(opts.urls.size())}});
  return std::unique_ptr<AmqpPublisher>(new AmqpPublisher(std::move(impl)));
}

AmqpPublisher::AmqpPublisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AmqpPublisher::~AmqpPublisher() { stop(); }
void AmqpPublisher::stop() { impl_->stop(); }
void AmqpPublisher::publish(std::string id, std::string body,
                            std::function<void(bool accepted)> done) {
  impl_->publish(std::move(id), std::move(body), std::move(done));
}
bool AmqpPublisher::connected() const { return impl_->connected(); }
size_t AmqpPublisher::inFlight() const { return impl_->inFlight(); }

}  // namespace hub::amqp
