#pragma once
// The boundary between the engine's outbox relay and a message publisher (AMQP). publish() never
// blocks on the network; done(true) exactly when the peer accepted the message, done(false) when
// it did not or the outcome is unknown (the relay publishes it again later: at-least-once).
#include <functional>
#include <string>

namespace hub {

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual void publish(const std::string& address, std::string id, std::string body,
                       std::function<void(bool accepted)> done) = 0;
};

}  // namespace hub
