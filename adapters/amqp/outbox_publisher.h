#pragma once
// The hub's Publisher (hub/pipeline/publisher.h) for status notifications and dead letters: one
// AmqpPublisher per configured address (notify.address, dead_letter.address), all to the peer or
// broker in notify.urls.
#include <map>
#include <memory>
#include <string>

#include "adapters/amqp/amqp_publisher.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/publisher.h"

namespace hub::amqp {

class OutboxPublisher final : public Publisher {
 public:
  static Result<std::unique_ptr<OutboxPublisher>> start(const NotifyConfig& cfg);
  void publish(const std::string& address, std::string id, std::string body,
               std::function<void(bool accepted)> done) override;
  void stop();
  bool connected() const;

 private:
  std::map<std::string, std::unique_ptr<AmqpPublisher>> by_address_;  // immutable after start
};

}  // namespace hub::amqp
