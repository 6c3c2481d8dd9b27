#pragma once
// How the hub connects out over AMQP 1.0 (the connect intake and the notification publisher):
// the URL Proton connects to, and the SASL and TLS settings of the connection.
//   SASL: PLAIN with the password from password_file when a user is set (allowed in clear only
//         without TLS, for a broker on loopback); EXTERNAL with a client certificate and no
//         user; ANONYMOUS otherwise.
//   TLS:  amqps:// or any TLS file configured: the CA (host name checked, Proton's default
//         VERIFY_PEER_NAME; the system's trust store without one), the client certificate and
//         key when set; the handshake offers only the NCSC "sufficient" suites.
#include <proton/connection_options.hpp>
#include <proton/ssl.hpp>
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

// Client TLS options whose handshake offers only the NCSC "sufficient" profile (Proton's own
// client list has CBC suites and TLS 1.0). ca empty: the system's trust store; cert empty: no
// client certificate.
Result<proton::ssl_client_options> narrowedClientTls(const std::string& ca, const std::string& cert,
                                                     const std::string& key);

// Adds the SASL and TLS settings to opts. `what` names the caller in an error.
Result<void> applyClientSecurity(proton::connection_options& opts, const ClientSecurity& s,
                                 bool tls, const std::string& what);

}  // namespace hub::amqp
