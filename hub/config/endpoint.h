#pragma once
// The one parser for every listener address and AMQP URL the hub reads: hub.yaml (intake
// listen/connect, notify.urls, admin.listen), the admin HTTP server and the AMQP adapters.
// Pure (no I/O, no name lookup); errors are errc::kConfig with a message that names the part that
// is wrong and never repeats a password.
//
//   HOST:PORT        127.0.0.1:8081, localhost:0, [::1]:5672
//   AMQP URL         amqp[s]://[USER[:PASSWORD]@]HOST[:PORT][/VHOST]   (RFC 3986; no query or
//                    fragment; the port defaults to 5672 for amqp, 5671 for amqps)
// HOST is a name (letters, digits, '-', '.', '_'), a dotted IPv4 address, or an IPv6 address in
// brackets. PORT is 1 to 5 digits, 0..65535 for a listener (0: any free port) and 1..65535 for a
// connection.
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::config {

enum class PortUse {
  kListen,   // 0..65535; 0 binds any free port
  kConnect,  // 1..65535
};

struct Endpoint {
  std::string host;  // without brackets
  uint16_t port = 0;
  bool ipv6 = false;     // an IPv6 address (written in brackets)
  bool numeric = false;  // an IPv4 or IPv6 address, not a name
  // "host:port" or "[v6]:port", the form Proton and asio take.
  std::string hostPort() const;
  // 127.0.0.0/8, ::1 or the name localhost.
  bool isLoopback() const;
};

Result<Endpoint> parseHostPort(std::string_view text, PortUse use);

struct AmqpUrl {
  bool tls = false;  // amqps://
  Endpoint endpoint;
  bool has_user = false, has_password = false;
  std::string user, password;  // percent-decoded userinfo
  std::string vhost;           // the path without its leading '/', percent-decoded; "" = none
  std::string scheme() const { return tls ? "amqps" : "amqp"; }
  // scheme://host:port, without userinfo or path: what Proton connects to.
  std::string address() const { return scheme() + "://" + endpoint.hostPort(); }
};

// Syntax only: userinfo and path are returned, not judged.
Result<AmqpUrl> parseAmqpUrl(std::string_view url, PortUse use);

// The hub's rules on top of the syntax. Nothing in a URL is silently dropped:
//  - a listener's URL (intake.listen[].url) has no user, password or path: clients authenticate
//    with SASL (sasl_mechanisms) and TLS;
//  - a connection's URL (intake.connect[].urls, notify.urls) has no user or password either: they
//    are the `user:` and `password_file:` keys, so that no secret sits in hub.yaml and failover
//    URLs cannot disagree on them;
//  - a virtual host path (/vhost) is refused: Proton can send one (connection_options::
//    virtual_host), but then also checks the broker's TLS certificate against it and sends it as
//    the TLS server name, and brokers spell it differently (RabbitMQ wants "vhost:NAME"). The hub
//    uses the broker's default virtual host. A bare "/" is no path.
Result<AmqpUrl> parseAmqpListenUrl(std::string_view url);
Result<AmqpUrl> parseAmqpConnectUrl(std::string_view url);

}  // namespace hub::config
