#pragma once
// ConnectIntake: consumes a broker queue (connect mode; RabbitMQ 3.10 address
// /amq/queue/NAME) with reconnect + failover, the same accept-after-commit and manual credit as
// ListenIntake (shared in ReceiverCore).
#include <chrono>
#include <memory>
#include <proton/container.hpp>
#include <string>
#include <thread>

#include "adapters/amqp/receiver_core.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/intake.h"

namespace hub::amqp {

class ConnectIntake : public IntakeSource {
 public:
  ConnectIntake(const ConnectSource& src, const IntakeConfig& cfg, IntakeSink& sink,
                std::chrono::milliseconds ready_poll = std::chrono::milliseconds(200));
  ~ConnectIntake() override;
  ConnectIntake(const ConnectIntake&) = delete;
  ConnectIntake& operator=(const ConnectIntake&) = delete;

  // Validates options (reads the password file) and starts connecting on the container thread.
  // Does not wait for the broker: connected() turns true once the receiver link is attached.
  Result<void> start();
  // Closes the connection, joins the thread. Idempotent. Note: while Proton waits for its next
  // reconnect attempt, stopping waits for that attempt (at most reconnect_max).
  void stop();

  const std::string& name() const override { return src_.name; }
  // True while the receiver link on the broker is attached.
  bool connected() const override { return core_.linkActive(); }

 private:
  const ConnectSource src_;                       // immutable
  ReceiverCore core_;                             // its own threading contract
  std::unique_ptr<proton::container> container_;  // Only used by the owner thread (start/stop)
  std::thread thread_;                            // Only used by the owner thread (start/stop)
};

}  // namespace hub::amqp
