#pragma once
// ReceiverCore: the receiving, settling and credit logic shared by ListenIntake and ConnectIntake.
//
// Threading: every proton callback and every private helper marked "Proton thread" runs on the one
// thread that runs the container. The only entry points from other threads are the `done`
// callbacks handed to IntakeSink::submit and shutdown()/connected(). A `done` callback posts a
// value (connection state pointer, sequence number, outcome) back through the connection's
// work_queue; it never touches Proton objects. A work_queue is used only while its connection is
// known to be alive (Conn::closed and Shared::stopped, both guarded by Shared::mu).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/work_queue.hpp>
#include <string>
#include <string_view>

#include "hub/log/rate_limit.h"
#include "hub/pipeline/intake.h"

namespace hub::amqp {

// The NCSC TLS profile of the amqps intakes: the listener's handshake offers only this profile,
// and every TLS session is checked against it once more when its connection opens.
inline constexpr std::string_view kIntakeTlsProfile = "ncsc-sufficient";

// The largest AMQP frame the intakes take (the max-frame-size of their open frame). A larger
// message still arrives, split over several transfer frames: every AMQP 1.0 peer splits to the
// size its peer announced, and Proton joins them up to max_message_bytes. Without a limit, Proton
// doubles a connection's read buffer each time it fills and never shrinks it: a broker's burst
// of prefetched messages left it at 3.7 MB. With the limit it stops at this size.
inline constexpr uint32_t kIntakeMaxFrameBytes = 128 * 1024;

struct ReceiverCoreOptions {
  std::string source_name;  // for Envelope::source and logs
  std::string address;      // the only link address accepted / opened
  uint64_t max_message_bytes = 4 * 1024 * 1024;
  int credit_window = 200;                    // max unsettled + granted per link
  bool open_receiver = false;                 // connect mode: open the receiver on connection open
  std::chrono::milliseconds ready_poll{200};  // sink readiness poll while credit is withheld
};

class ReceiverCore : public proton::messaging_handler {
 public:
  ReceiverCore(ReceiverCoreOptions opts, IntakeSink& sink);
  ~ReceiverCore() override;
  ReceiverCore(const ReceiverCore&) = delete;
  ReceiverCore& operator=(const ReceiverCore&) = delete;

  // Called on the container thread once the container runs (listen / connect there).
  void setStartHook(std::function<void(proton::container&)> hook) { start_hook_ = std::move(hook); }

  // Thread safe. After this no `done` callback touches a work_queue; call it before stopping the
  // container, and again after joining its thread.
  void shutdown();

  // Thread safe: a receiver link is attached on at least one connection.
  bool linkActive() const { return active_links_.load() > 0; }
  // Thread safe: number of open connections.
  int openConnections() const { return open_connections_.load(); }

  // ---- proton::messaging_handler (Proton thread) ----
  void on_container_start(proton::container& c) override;
  void on_connection_open(proton::connection& c) override;
  void on_receiver_open(proton::receiver& r) override;
  void on_receiver_close(proton::receiver& r) override;
  void on_message(proton::delivery& d, proton::message& m) override;
  void on_transport_error(proton::transport& t) override;
  void on_transport_close(proton::transport& t) override;
  void on_error(const proton::error_condition& e) override;

 private:
  // State shared between the Proton thread and sink threads.
  struct Shared {
    std::mutex mu;
    bool stopped = false;  // Guarded by mu
  };
  struct LinkState {
    proton::receiver receiver;  // Only used on the Proton thread
    int pending = 0;            // submitted, not yet done; Only used on the Proton thread
    bool halted = false;        // a done(false) arrived; Only used on the Proton thread
  };
  struct Conn {
    // Guarded by Shared::mu
    proton::work_queue* wq = nullptr;
    bool closed = false;
    // Only used on the Proton thread
    std::string peer;
    bool refused = false;  // TLS outside the profile: being closed
    uint64_t next_seq = 1;
    std::map<uint64_t, std::pair<proton::delivery, proton::receiver>> deliveries;
    std::map<proton::receiver, LinkState> links;
    bool poll_scheduled = false;
  };
  using ConnPtr = std::shared_ptr<Conn>;

  ConnPtr connFor(const proton::connection& c);                    // Proton thread
  void onDone(const ConnPtr& conn, uint64_t seq, bool committed);  // Proton thread
  void topUp(const ConnPtr& conn, LinkState& link);                // Proton thread
  void schedulePoll(const ConnPtr& conn);                          // Proton thread
  void pollReady(const ConnPtr& conn);                             // Proton thread
  void dropDeliveries(Conn& conn);                                 // Proton thread
  void updateLinkCount();                                          // Proton thread
  proton::receiver_options linkOptions();                          // Proton thread
  bool isStopped();                                                // any thread

  const ReceiverCoreOptions opts_;  // immutable
  IntakeSink& sink_;                // thread safe by contract
  std::shared_ptr<Shared> shared_;  // immutable pointer; contents guarded by Shared::mu
  std::function<void(proton::container&)> start_hook_;  // set before start, then read-only
  std::map<proton::connection, ConnPtr> conns_;         // Only used on the Proton thread
  proton::container* container_ = nullptr;              // Only used on the Proton thread
  // Transport errors (failed TLS handshakes of a scanner, say) are logged 20 a minute at most.
  log::LogRateLimit transport_errors_{20, 60000};  // Only used on the Proton thread
  std::atomic<int> active_links_{0};               // thread safe
  std::atomic<int> open_connections_{0};           // thread safe
};

}  // namespace hub::amqp
