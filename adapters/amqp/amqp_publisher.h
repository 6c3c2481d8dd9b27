#pragma once
// AmqpPublisher: sends the outbox's status notifications (small JSON texts) to an AMQP 1.0 peer,
// at least once. The relay hands it unsent outbox rows; a row is marked sent only when the peer
// settled its message ACCEPTED. Anything else — rejected, released, modified, link or connection
// lost before settlement, publisher stopped — is reported as done(false) and simply published
// again later by the relay (duplicates are possible, losses are not).
//
// Wire format of one notification: a durable message, unsettled sender link (publisher confirms on
// RabbitMQ), message-id = the outbox id (AMQP string), content-type application/json, optional
// subject (PublisherOptions::subject), body = the UTF-8 JSON text in one AMQP *data* section
// (binary), not an amqp-value string: content-type describes data sections, and RabbitMQ hands a
// data section to AMQP 0-9-1 and MQTT consumers as the raw payload.
//
// Threading: one Proton container thread per publisher owns every Proton object. publish(),
// connected(), inFlight() and stop() may be called from any thread; publish() only queues under a
// mutex and wakes the container thread through the connection's work_queue. `done` callbacks run
// on the Proton thread (keep them short, never block, never call stop() from one); only a publish()
// after stop() calls its `done(false)` at once on the caller's thread.
//
// Connection: urls are tried in turn (the first, then each failover URL) with exponential backoff
// (reconnectDelay); after a link had credit the next reconnect starts at the first URL again. Any
// loss of the sender link (detach, session ended — RabbitMQ 3.10 ends the session ~3 s before it
// drops TCP on shutdown — connection closed, transport error) fails every unsettled message at once
// and closes the connection; the publisher then connects again (a fresh connection, so no state
// of the old link is replayed). Queued, never-sent messages stay queued across reconnects.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hub/core/result.h"

namespace hub::amqp {

struct PublisherOptions {
  std::string name;               // for logs
  std::vector<std::string> urls;  // amqp://host:port or amqps://host:port; the rest are failover
  std::string address;            // target; RabbitMQ: /amq/queue/NAME of an existing durable queue
  std::string user, password_file;        // SASL PLAIN when user is set (password never logged)
  std::string tls_ca, tls_cert, tls_key;  // TLS (host name checked) when amqps:// or any is set;
                                          // a client certificate without user: SASL EXTERNAL
  std::chrono::milliseconds reconnect_initial{500}, reconnect_max{30000};
  int max_in_flight = 100;  // unsettled messages on the link; more wait in the queue
  // Additions to the brief's struct (defaulted, so aggregate initialisation still works):
  std::string subject;        // set on every message when not empty
  size_t max_queued = 10000;  // messages waiting for credit or in-flight room; beyond: done(false)
};

// Delay before reconnect attempt `attempt` (0 = the first retry after a loss): initial * 2^attempt,
// capped at max (and at least 1 ms). Pure.
std::chrono::milliseconds reconnectDelay(int attempt, std::chrono::milliseconds initial,
                                         std::chrono::milliseconds max);

class AmqpPublisher {
 public:
  // Validates options (reads the password file, TLS files) and starts the container thread, which
  // connects in the background: start() never waits for the peer.
  static Result<std::unique_ptr<AmqpPublisher>> start(const PublisherOptions& opts);
  ~AmqpPublisher();  // stop()
  AmqpPublisher(const AmqpPublisher&) = delete;
  AmqpPublisher& operator=(const AmqpPublisher&) = delete;

  // Reports every message not yet settled done(false) (on the Proton thread), closes the
  // connection and joins the thread. Idempotent. Owner thread only; never from a `done` callback.
  void stop();

  // Thread safe; never blocks on the network. `done` is called exactly once (see above).
  void publish(std::string id, std::string body, std::function<void(bool accepted)> done);

  // Thread safe: the sender link is open and has been given credit at least once.
  bool connected() const;
  // Thread safe: publish() calls whose `done` has not been called yet (queued + unsettled).
  size_t inFlight() const;

  class Impl;  // in amqp_publisher.cc

 private:
  explicit AmqpPublisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;  // immutable pointer; Impl states its own threading
};

}  // namespace hub::amqp
