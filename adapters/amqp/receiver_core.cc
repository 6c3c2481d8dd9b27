#include "adapters/amqp/receiver_core.h"

#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/receiver.hpp>
#include <proton/session.hpp>
#include <proton/ssl.hpp>
#include <proton/target.hpp>
#include <proton/transport.hpp>
#include <vector>

#include "adapters/amqp/envelope_builder.h"
#include "hub/core/time_source.h"
#include "hub/log/log.h"
#include "hub/tls/tls_profile.h"

namespace hub::amqp {
namespace {

// How long connect mode waits before attaching a new receiver after the peer ended its session.
constexpr int64_t kRelinkDelayMs = 1000;

// Opens the connect-mode receiver link: on connection open (first connect and every reconnect)
// and after the peer ended the receiver's session.
void openReceiver(proton::connection& c, const std::string& address,
                  const proton::receiver_options& opts) {
  // Proton keeps the same connection object across reconnects and replays on the new transport
  // every session and link that is still locally open: such a receiver is attached again and
  // arrives in on_receiver_open. Opening another one would add a consumer per reconnect.
  // (A connect-mode connection carries only this receiver; its remote source is empty until the
  // peer answers the attach, so it is not compared. Walk sessions: Proton 0.37's
  // connection::receivers() stops after the first receiver.)
  for (proton::session s : c.sessions()) {
    if (!s.active()) continue;
    for (proton::receiver r : s.receivers()) {
      if (r.active()) return;
    }
  }
  // A fresh session, not the default one: once the peer ended a session (RabbitMQ does on
  // shutdown and on close_connection: `end` with amqp:internal-error), it stays closed and a
  // link opened on it is never attached.
  c.open_session().open_receiver(address, opts);
}

}  // namespace

ReceiverCore::ReceiverCore(ReceiverCoreOptions opts, IntakeSink& sink)
    : opts_(std::move(opts)), sink_(sink), shared_(std::make_shared<Shared>()) {}

ReceiverCore::~ReceiverCore() { shutdown(); }

void ReceiverCore::shutdown() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->stopped = true;
}

bool ReceiverCore::isStopped() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  return shared_->stopped;
}

proton::receiver_options ReceiverCore::linkOptions() {
  return proton::receiver_options().auto_accept(false).credit_window(0).handler(*this);
}

void ReceiverCore::on_container_start(proton::container& c) {
  container_ = &c;
  if (start_hook_) start_hook_(c);
}

ReceiverCore::ConnPtr ReceiverCore::connFor(const proton::connection& c) {
  auto it = conns_.find(c);
  if (it != conns_.end()) return it->second;
  auto conn = std::make_shared<Conn>();
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    conn->wq = &c.work_queue();
  }
  conns_.emplace(c, conn);
  open_connections_.store(static_cast<int>(conns_.size()));
  return conn;
}

void ReceiverCore::on_connection_open(proton::connection& c) {
  ConnPtr conn = connFor(c);
  conn->peer = c.container_id();
  // Second line of defence: the amqps listener's handshake already offers only the profile
  // (listen_intake.cc), but a session outside it (a connect-mode broker, or a Proton whose TLS
  // context was not narrowed) is still refused here, before any link gets credit. (Proton reports
  // the cipher's protocol version: "TLSv1.2" for the ECDHE AEAD suites, "TLSv1.3" for TLS 1.3.)
  proton::ssl ssl = c.transport().ssl();
  const std::string protocol = ssl.protocol();
  const std::string cipher = ssl.cipher();
  if (!protocol.empty() && !tls::negotiatedWithin(kIntakeTlsProfile, protocol, cipher)) {
    conn->refused = true;
    log::warn("amqp connection refused: TLS outside the NCSC profile",
              {{"source", opts_.source_name}, {"protocol", protocol}, {"cipher", cipher}});
    c.close(proton::error_condition(
        "amqp:not-allowed", "TLS " + protocol + " " + cipher +
                                " is outside the NCSC profile (TLS 1.3, or TLS 1.2 with ECDHE "
                                "and AES-GCM or ChaCha20-Poly1305)"));
    return;
  }
  if (c.uninitialized()) c.open();
  log::info("amqp connection open", {{"source", opts_.source_name},
                                     {"peer", conn->peer},
                                     {"reconnected", c.reconnected() ? "true" : "false"}});
  if (opts_.open_receiver) openReceiver(c, opts_.address, linkOptions());
}

void ReceiverCore::on_receiver_open(proton::receiver& r) {
  ConnPtr conn = connFor(r.connection());
  if (conn->refused) return;  // closing: no link, no credit
  if (r.uninitialized()) {
    // Remotely initiated link (listen mode): only the configured address is served.
    std::string address = r.target().address();
    r.open(linkOptions());
    if (address != opts_.address) {
      log::warn("amqp link refused", {{"source", opts_.source_name}, {"address", address}});
      r.close(proton::error_condition(
          "amqp:not-found",
          "unknown address '" + address + "'; this hub accepts '" + opts_.address + "'"));
      return;
    }
  }
  LinkState& link = conn->links[r];
  link.receiver = r;
  updateLinkCount();
  topUp(conn, link);
}

void ReceiverCore::on_receiver_close(proton::receiver& r) {
  auto it = conns_.find(r.connection());
  if (it == conns_.end()) return;
  Conn& conn = *it->second;
  for (auto d = conn.deliveries.begin(); d != conn.deliveries.end();) {
    if (d->second.second == r) {
      d = conn.deliveries.erase(d);
    } else {
      ++d;
    }
  }
  conn.links.erase(r);
  updateLinkCount();
}

void ReceiverCore::on_message(proton::delivery& d, proton::message& m) {
  ConnPtr conn = connFor(d.connection());
  proton::receiver r = d.receiver();
  auto link = conn->links.find(r);
  if (link == conn->links.end()) return;  // refused link; nothing is granted there
  EnvelopeContext ctx{opts_.source_name, conn->peer, SystemTimeSource().nowMs(),
                      opts_.max_message_bytes};
  Envelope env = buildEnvelope(m, ctx);
  const uint64_t seq = conn->next_seq++;
  conn->deliveries.emplace(seq, std::make_pair(d, r));
  ++link->second.pending;
  std::shared_ptr<Shared> shared = shared_;
  // Runs on any thread, exactly once: hand the outcome back to the Proton thread as values.
  auto done = [this, shared, conn, seq](bool committed) {
    std::lock_guard<std::mutex> lock(shared->mu);
    if (shared->stopped || conn->closed || conn->wq == nullptr) return;
    conn->wq->add([this, conn, seq, committed] { onDone(conn, seq, committed); });
  };
  sink_.submit(std::move(env), std::move(done));
}

void ReceiverCore::onDone(const ConnPtr& conn, uint64_t seq, bool committed) {
  auto it = conn->deliveries.find(seq);
  if (it == conn->deliveries.end()) return;  // link or transport gone: the peer redelivers
  proton::delivery d = it->second.first;
  proton::receiver r = it->second.second;
  conn->deliveries.erase(it);
  auto link = conn->links.find(r);
  if (committed) d.accept();
  if (link == conn->links.end()) return;
  --link->second.pending;
  if (!committed) {
    // Left unsettled on purpose: the sender redelivers after a reconnect. Never `modified`.
    link->second.halted = true;
    log::warn("amqp intake commit failed; withholding credit", {{"source", opts_.source_name}});
  }
  topUp(conn, link->second);
}

void ReceiverCore::topUp(const ConnPtr& conn, LinkState& link) {
  if (!link.receiver.active()) return;
  if (link.halted || !sink_.ready()) {
    schedulePoll(conn);
    return;
  }
  const int want = opts_.credit_window - link.pending - link.receiver.credit();
  if (want > 0) link.receiver.add_credit(static_cast<uint32_t>(want));
}

void ReceiverCore::schedulePoll(const ConnPtr& conn) {
  if (conn->poll_scheduled || container_ == nullptr) return;
  conn->poll_scheduled = true;
  // Timer jobs run outside the connection's event batch: hop onto its work_queue so the credit
  // we grant is flushed to the peer.
  std::shared_ptr<Shared> shared = shared_;
  container_->schedule(proton::duration(opts_.ready_poll.count()), [this, shared, conn] {
    std::lock_guard<std::mutex> lock(shared->mu);
    if (shared->stopped || conn->closed || conn->wq == nullptr) return;
    conn->wq->add([this, conn] { pollReady(conn); });
  });
}

void ReceiverCore::pollReady(const ConnPtr& conn) {
  conn->poll_scheduled = false;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    if (conn->closed) return;
  }
  if (!sink_.ready()) {
    schedulePoll(conn);
    return;
  }
  bool resumed = false;
  for (auto& [r, link] : conn->links) {
    if (link.halted) resumed = true;
    link.halted = false;
    topUp(conn, link);
  }
  if (resumed) log::info("amqp intake resumed granting credit", {{"source", opts_.source_name}});
}

void ReceiverCore::dropDeliveries(Conn& conn) {
  // The transport is gone: unsettled deliveries are redelivered by the peer; late `done`
  // callbacks find nothing to settle.
  conn.deliveries.clear();
  conn.links.clear();
  updateLinkCount();
}

void ReceiverCore::updateLinkCount() {
  int n = 0;
  for (const auto& [c, conn] : conns_) n += static_cast<int>(conn->links.size());
  active_links_.store(n);
}

void ReceiverCore::on_transport_error(proton::transport& t) {
  const auto v = transport_errors_.allow(SystemTimeSource().nowMs());
  if (v.log) {
    log::warn("amqp transport error", {{"source", opts_.source_name},
                                       {"error", t.error().what()},
                                       {"suppressed_before", v.suppressed_before}});
  }
  auto it = conns_.find(t.connection());
  if (it != conns_.end()) dropDeliveries(*it->second);
}

void ReceiverCore::on_transport_close(proton::transport& t) {
  auto it = conns_.find(t.connection());
  if (it == conns_.end()) return;
  ConnPtr conn = it->second;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    conn->closed = true;
    conn->wq = nullptr;
  }
  conns_.erase(it);
  dropDeliveries(*conn);
  open_connections_.store(static_cast<int>(conns_.size()));
  log::info("amqp connection closed", {{"source", opts_.source_name}, {"peer", conn->peer}});
}

void ReceiverCore::on_error(const proton::error_condition& e) {
  log::warn("amqp error", {{"source", opts_.source_name}, {"error", e.what()}});
  // A session ended by the peer takes its links along without detach events, and the connection
  // may stay open (RabbitMQ 3.10 on `rabbitmqctl close_connection`). Forget those links, so that
  // readiness shows it, and in connect mode attach a new receiver after a pause.
  for (auto& [c, conn] : conns_) {
    std::vector<proton::receiver> ended;
    for (auto& [r, link] : conn->links) {
      if (!r.session().error().empty()) ended.push_back(r);
    }
    if (ended.empty()) continue;
    for (auto& r : ended) on_receiver_close(r);
    log::warn("amqp session ended by peer",
              {{"source", opts_.source_name}, {"links", static_cast<int>(ended.size())}});
    if (!opts_.open_receiver || container_ == nullptr) continue;
    std::shared_ptr<Shared> shared = shared_;
    ConnPtr cp = conn;
    container_->schedule(proton::duration(kRelinkDelayMs), [this, shared, cp] {
      std::lock_guard<std::mutex> lock(shared->mu);
      if (shared->stopped || cp->closed || cp->wq == nullptr) return;
      cp->wq->add([this, cp] {
        for (auto& [pc, pconn] : conns_) {
          if (pconn != cp || !pc.active()) continue;
          proton::connection live = pc;
          log::info("amqp receiver reattaching", {{"source", opts_.source_name}});
          openReceiver(live, opts_.address, linkOptions());
          return;
        }
      });
    });
  }
}

}  // namespace hub::amqp
