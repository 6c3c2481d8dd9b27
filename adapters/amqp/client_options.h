#pragma once
// How the hub connects out over AMQP 1.0 (the connect intake and the notification publisher):
// the URL Proton connects to, and the SASL and TLS settings of the connection.
//   SASL: PLAIN with the password from password_file when a user is set (allowed in clear only
//         without TLS, for a broker on loopback); EXTERNAL with a client certificate and no
//         user; ANONYMOUS otherwise.
//   TLS:  amqps:// or any TLS file configured: the CA (host name checked, Proton's default
//         VERIFY_PEER_NAME), the client certificate and key when set.
#include <proton/connection_options.hpp>
#include <string>

#include "hub/core/result.h"

namespace hub::amqp {

struct ClientSecurity {
  std::string user, password_file;
  std::string tls_ca, tls_cert, tls_key;
};

// "amqp://host:port" for Proton's connect; sets *tls for amqps://. A user, password or virtual
// host in the URL is refused (config::parseAmqpConnectUrl): user and password come from the
// options, never the URL.
Result<std::string> connectUrl(const std::string& url, bool* tls);

// Adds the SASL and TLS settings to opts. `what` names the caller in an error.
Result<void> applyClientSecurity(proton::connection_options& opts, const ClientSecurity& s,
                                 bool tls, const std::string& what);

}  // namespace hub::amqp
