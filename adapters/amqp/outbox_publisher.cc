#include "adapters/amqp/outbox_publisher.h"

#include "hub/core/error_codes.h"

namespace hub::amqp {

Result<std::unique_ptr<OutboxPublisher>> OutboxPublisher::start(const NotifyConfig& cfg) {
  auto out = std::make_unique<OutboxPublisher>();
  for (const auto& [name, address] : {std::pair<std::string, std::string>{"notify", cfg.address},
                                      {"dead_letter", cfg.dead_letter_address}}) {
    if (address.empty() || out->by_address_.count(address)) continue;
    PublisherOptions o;
    o.name = name;
    o.urls = cfg.urls;
    o.address = address;
    o.user = cfg.user;
    o.password_file = cfg.password_file;
    o.tls_ca = cfg.tls_ca;
    o.tls_cert = cfg.tls_cert;
    o.tls_key = cfg.tls_key;
    o.reconnect_initial = cfg.reconnect_initial;
    o.reconnect_max = cfg.reconnect_max;
    auto p = AmqpPublisher::start(o);
    if (!p) return unexpected(p.error());
    out->by_address_[address] = std::move(*p);
  }
  return out;
}

void OutboxPublisher::publish(const std::string& address, std::string id, std::string body,
                              std::function<void(bool accepted)> done) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) {
    // An outbox row for an address no longer configured: never accepted, kept in the store.
    done(false);
    return;
  }
  it->second->publish(std::move(id), std::move(body), std::move(done));
}

void OutboxPublisher::stop() {
  for (auto& [a, p] : by_address_) p->stop();
}

bool OutboxPublisher::connected() const {
  for (const auto& [a, p] : by_address_)
    if (!p->connected()) return false;
  return true;
}

}  // namespace hub::amqp
