#pragma once
// Small pure helpers for AMQP URLs and option files (no Proton, no I/O besides readSecretFile).
#include <string>

#include "hub/core/result.h"

namespace hub::amqp {

struct HostPort {
  std::string scheme;  // "amqp" or "amqps" (default amqp)
  std::string host;    // may be empty (all interfaces)
  std::string port;    // numeric or service name; "5672"/"5671" when absent
};

// The host and port of "amqp://host:port", "amqps://[::1]:5671" or "host:port", by the hub's
// one parser (hub/config/endpoint.h). Syntax only: a user, password or path is allowed here and
// not returned; the intakes and the publisher apply the hub's rules (refusing them) with
// config::parseAmqpListenUrl and connectUrl.
Result<HostPort> parseHostPort(const std::string& url);

// First line of a secret file without the trailing newline.
Result<std::string> readSecretFile(const std::string& path);

}  // namespace hub::amqp
