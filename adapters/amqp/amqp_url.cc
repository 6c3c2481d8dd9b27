#include "adapters/amqp/amqp_url.h"

#include <fstream>

#include "hub/config/endpoint.h"
#include "hub/core/error_codes.h"

namespace hub::amqp {

Result<HostPort> parseHostPort(const std::string& url) {
  if (url.find("://") == std::string::npos) {
    auto ep = config::parseHostPort(url, config::PortUse::kListen);
    if (!ep) return unexpected(errc::kConfig, "AMQP address: " + ep.error().message);
    return HostPort{"amqp", ep->host, std::to_string(ep->port)};
  }
  auto u = config::parseAmqpUrl(url, config::PortUse::kListen);
  if (!u) return unexpected(errc::kConfig, "AMQP URL: " + u.error().message);
  return HostPort{u->scheme(), u->endpoint.host, std::to_string(u->endpoint.port)};
}

Result<std::string> readSecretFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return unexpected(errc::kIo, "cannot read secret file " + path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

}  // namespace hub::amqp
