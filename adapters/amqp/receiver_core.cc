#include "adapters/amqp/receiver_core.h"

#include <proton/error_condition.hpp>
#include <proton/message.hpp>
#include <proton/target.hpp>
#include <proton/transport.hpp>

#include "adapters/amqp/envelope_builder.h"
#include "hub/core/time_source.h"
#include "hub/log/log.h"

namespace hub::amqp {

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
  if (c.uninitialized()) c.open();
  log::info("amqp connection open", {{"source", opts_.source_name},
                                     {"peer", conn->peer},
                                     {"reconnected", c.reconnected() ? "true" : "false"}});
  if (opts_.open_receiver) c.open_receiver(opts_.address, linkOptions());
}

void ReceiverCore::on_receiver_open(proton::receiver& r) {
  ConnPtr conn = connFor(r.connection());
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
  log::warn("amqp transport error", {{"source", opts_.source_name}, {"error", t.error().what()}});
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
}

}  // namespace hub::amqp
