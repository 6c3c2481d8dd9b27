// `ketenhub send`: a test producer. Sends EVENT.json as an AMQP 1.0 message (data
// section) with the hub's properties over an unsettled sender link and waits for every outcome.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
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
#include <proton/ssl.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/uuid.hpp>
#include <proton/work_queue.hpp>
#include <sstream>
#include <string>

#include "adapters/amqp/amqp_url.h"
#include "adapters/amqp/client_options.h"
#include "hub/core/result.h"
#include "hub/core/time_format.h"
#include "tools/cli/commands.h"

namespace hub::app {
namespace {

std::string generatedCaseId(const std::string& prefix, uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(n % 1000000));
  return prefix + "-" + buf;
}

using Clock = std::chrono::steady_clock;

// Builds message i (0-based) of the run.
class MessageFactory {
 public:
  MessageFactory(const SendOptions& o, std::string body) : o_(o), body_(std::move(body)) {
    if (o_.count > 1) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(body_, ec);
      if (!ec && v.is_object() && v.as_object().contains("zaaknummer")) json_ = std::move(v);
    }
  }

  proton::message make(int i) const {
    proton::message m;
    // Generated case ids keep the zaaknummer shape (<prefix>-NNNNNN) the event schemas expect.
    const std::string case_id = o_.count > 1 ? generatedCaseId(o_.case_id, i + 1) : o_.case_id;
    if (!o_.no_message_id) {
      if (o_.count == 1 && !o_.message_id.empty()) {
        m.id(proton::message_id(o_.message_id));
      } else if (!o_.message_id.empty()) {
        // A prefix with --count: stable ids, so a run can be sent again as a sender redelivers.
        m.id(proton::message_id(generatedCaseId(o_.message_id, i + 1)));
      } else {
        m.id(proton::message_id(proton::uuid::random()));
      }
    }
    if (!o_.correlation_id.empty()) m.correlation_id(proton::message_id(o_.correlation_id));
    m.content_type(o_.content_type);
    m.durable(true);
    if (!o_.omit.count("event-type")) m.properties().put("event-type", o_.event_type);
    if (!o_.omit.count("case-id")) m.properties().put("case-id", case_id);
    if (!o_.omit.count("actor")) m.properties().put("actor", o_.actor);
    m.properties().put("occurred-at", formatRfc3339Utc(std::chrono::system_clock::now()));
    std::string body = body_;
    if (json_.is_object()) {
      boost::json::value v = json_;
      v.as_object()["zaaknummer"] = case_id;
      body = boost::json::serialize(v);
    }
    m.body(proton::binary(body));
    m.inferred(true);  // a data section, not an amqp-value
    return m;
  }

 private:
  const SendOptions& o_;
  std::string body_;
  boost::json::value json_;  // parsed body when zaaknummer is rewritten, else null
};

// One connection, one unsettled sender link; everything runs on the container thread.
class SendClient : public proton::messaging_handler {
 public:
  SendClient(const SendOptions& o, const MessageFactory& f, proton::connection_options co)
      : o_(o), factory_(f), co_(std::move(co)) {}

  void on_container_start(proton::container& c) override {
    container_ = &c;
    start_ = Clock::now();
    c.connect(o_.url, co_);
  }
  void on_connection_open(proton::connection& c) override {
    if (!sender_) sender_ = c.open_sender(o_.address);
  }
  void on_sendable(proton::sender&) override { pump(); }
  void on_tracker_accept(proton::tracker&) override { ++accepted_; }
  void on_tracker_reject(proton::tracker&) override { ++rejected_; }
  void on_tracker_release(proton::tracker&) override { ++released_; }
  void on_tracker_settle(proton::tracker& t) override {
    ++settled_;
    if (settled_ >= o_.count) {
      finish(t.connection());
    } else {
      pump();
    }
  }
  void on_transport_error(proton::transport& t) override { fail(t.error().what()); }
  void on_connection_error(proton::connection& c) override {
    fail(c.error().what());
    finish(c);
  }
  void on_sender_error(proton::sender& s) override {
    fail(s.error().what());
    finish(s.connection());
  }
  void on_error(const proton::error_condition& e) override { fail(e.what()); }

  int sent() const { return sent_; }
  int accepted() const { return accepted_; }
  int rejected() const { return rejected_; }
  int released() const { return released_; }
  int settled() const { return settled_; }
  const std::string& failure() const { return failure_; }
  long elapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
  }

 private:
  void pump() {
    if (done_ || !sender_ || !sender_.active()) return;
    while (sent_ < o_.count && sender_.credit() > 0 && sent_ - settled_ < o_.window) {
      if (o_.rate > 0) {
        const double elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
        if (sent_ >= static_cast<int>(elapsed_s * o_.rate) + 1) {
          scheduleNext(static_cast<double>(sent_) / o_.rate - elapsed_s);
          return;
        }
      }
      sender_.send(factory_.make(sent_));
      ++sent_;
    }
  }
  void scheduleNext(double delay_s) {
    if (timer_pending_) return;
    timer_pending_ = true;
    const auto ms = static_cast<int64_t>(delay_s * 1000) + 1;
    proton::work_queue* wq = &sender_.work_queue();
    // Timer jobs run outside the connection's batch: hop onto its work queue to get a flush.
    container_->schedule(proton::duration(ms), [this, wq] {
      if (done_) return;
      wq->add([this] {
        timer_pending_ = false;
        pump();
      });
    });
  }
  void fail(const std::string& what) {
    if (failure_.empty()) failure_ = what.empty() ? "connection failed" : what;
    done_ = true;
  }
  void finish(proton::connection c) {
    if (done_ && !c.active()) return;
    done_ = true;
    if (c.active()) c.close();
  }

  const SendOptions& o_;
  const MessageFactory& factory_;
  const proton::connection_options co_;
  // Only used on the Proton thread (the caller reads the counters after run() returned).
  proton::container* container_ = nullptr;
  proton::sender sender_;
  Clock::time_point start_;
  int sent_ = 0, accepted_ = 0, rejected_ = 0, released_ = 0, settled_ = 0;
  bool done_ = false;
  bool timer_pending_ = false;
  std::string failure_;
};

}  // namespace

int sendMain(const SendOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::cerr << "send: cannot read " << o.file << "\n";
    return 1;
  }
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  proton::connection_options co;
  co.sasl_enabled(true);
  if (!o.user.empty()) {
    auto password = amqp::readSecretFile(o.password_file);
    if (!password) {
      std::cerr << "send: " << password.error().message << "\n";
      return 1;
    }
    co.user(o.user).password(*password).sasl_allowed_mechs("PLAIN").sasl_allow_insecure_mechs(true);
  }
  if (!o.ca.empty()) {
    auto tls = amqp::narrowedClientTls(o.ca, o.cert, o.key);
    if (!tls) {
      std::cerr << "send: " << tls.error().message << "\n";
      return 1;
    }
    co.ssl_client_options(*tls);
    if (!o.cert.empty()) co.sasl_allowed_mechs("EXTERNAL");
  }

  MessageFactory factory(o, std::move(body));
  SendClient client(o, factory, co);
  try {
    proton::container container(client, "ketenhub-send");
    container.run();
  } catch (const std::exception& e) {
    std::cerr << "send: " << e.what() << "\n";
    return 1;
  }
  std::cout << "send: sent=" << client.sent() << " accepted=" << client.accepted()
            << " rejected=" << client.rejected() << " released=" << client.released()
            << " elapsed_ms=" << client.elapsedMs() << std::endl;
  if (!client.failure().empty()) {
    std::cerr << "send: " << client.failure() << "\n";
    return 1;
  }
  if (client.accepted() != o.count) {
    std::cerr << "send: " << (o.count - client.accepted()) << " of " << o.count
              << " messages not accepted\n";
    return 1;
  }
  return 0;
}

}  // namespace hub::app
