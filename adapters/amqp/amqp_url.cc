#include "adapters/amqp/amqp_url.h"

#include <fstream>

#include "hub/core/error_codes.h"

namespace hub::amqp {

Result<HostPort> parseHostPort(const std::string& url) {
  HostPort hp;
  std::string rest = url;
  const auto scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    hp.scheme = rest.substr(0, scheme_end);
    rest = rest.substr(scheme_end + 3);
  } else {
    hp.scheme = "amqp";
  }
  if (hp.scheme != "amqp" && hp.scheme != "amqps")
    return unexpected(errc::kConfig, "unsupported AMQP URL scheme '" + hp.scheme + "'");
  const auto at = rest.find('@');
  if (at != std::string::npos) rest = rest.substr(at + 1);
  const auto slash = rest.find('/');
  if (slash != std::string::npos) rest = rest.substr(0, slash);
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return unexpected(errc::kConfig, "bad IPv6 host in AMQP URL");
    hp.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    hp.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  hp.port = port.empty() ? (hp.scheme == "amqps" ? "5671" : "5672") : port;
  return hp;
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
