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

// Parses "amqp://host:port", "amqps://[::1]:5671", "host:port"; ignores any path.
Result<HostPort> parseHostPort(const std::string& url);

// First line of a secret file without the trailing newline.
Result<std::string> readSecretFile(const std::string& path);

}  // namespace hub::amqp
