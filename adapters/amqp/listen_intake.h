#pragma once
// ListenIntake: the embedded AMQP 1.0 listener (listen mode). Peers connect and attach a
// sending link to the configured address; each message is handed to the IntakeSink as an Envelope
// and accepted only after the sink reports it committed (the settlement rule).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <proton/container.hpp>
#include <string>
#include <thread>

#include "adapters/amqp/receiver_core.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/intake.h"

namespace hub::amqp {

class ListenIntake : public IntakeSource {
 public:
  ListenIntake(const ListenSource& src, const IntakeConfig& cfg, IntakeSink& sink,
               std::chrono::milliseconds ready_poll = std::chrono::milliseconds(200));
  ~ListenIntake() override;
  ListenIntake(const ListenIntake&) = delete;
  ListenIntake& operator=(const ListenIntake&) = delete;

  // Starts the container thread and blocks until the listener is open (or failed to open).
  Result<void> start();
  // Closes the listener and every connection, joins the thread. Idempotent; thread safe against
  // late `done` callbacks (they become no-ops).
  void stop();
  // The bound port (useful with port 0); valid after start() succeeded.
  int boundPort() const { return port_.load(); }

  const std::string& name() const override { return src_.name; }
  // True while the listener is open.
  bool connected() const override { return listening_.load(); }
  // Number of open peer connections (diagnostics).
  int openConnections() const { return core_.openConnections(); }

 private:
  class Listening;

  const ListenSource src_;                        // immutable
  ReceiverCore core_;                             // its own threading contract, see receiver_core.h
  std::unique_ptr<Listening> handler_;            // Only used on the Proton thread after start()
  std::unique_ptr<proton::container> container_;  // Only used by the owner thread (start/stop)
  std::thread thread_;                            // Only used by the owner thread (start/stop)
  std::atomic<int> port_{0};                      // thread safe
  std::atomic<bool> listening_{false};            // thread safe

  std::mutex mu_;
  std::condition_variable cv_;
  bool open_done_ = false;  // Guarded by mu_: listener opened, failed, or container ended
  std::string open_error_;  // Guarded by mu_
};

}  // namespace hub::amqp
