#pragma once
// The boundary between an intake adapter (AMQP listen/connect) and the hub core.
// The adapter hands each received message as an Envelope value; the sink calls `done` exactly once,
// on any thread, after the store committed it (committed=true: settle with ACCEPTED) or when it
// could not be stored (committed=false: leave it unsettled and stop granting credit; the sender
// redelivers).
#include <functional>

#include "hub/core/envelope.h"

namespace hub {

class IntakeSink {
 public:
  virtual ~IntakeSink() = default;
  virtual void submit(Envelope env, std::function<void(bool committed)> done) = 0;
  // False while the store cannot commit: adapters must not grant new credit.
  virtual bool ready() const = 0;
};

// Connection state of one intake source, for /readyz and metrics.
class IntakeSource {
 public:
  virtual ~IntakeSource() = default;
  virtual const std::string& name() const = 0;
  virtual bool connected() const = 0;
};

}  // namespace hub
