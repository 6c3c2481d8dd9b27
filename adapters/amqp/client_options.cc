#include "adapters/amqp/client_options.h"

#include <proton/ssl.hpp>

#include "adapters/amqp/amqp_url.h"
#include "hub/config/endpoint.h"
#include "hub/core/error_codes.h"

namespace hub::amqp {

Result<std::string> connectUrl(const std::string& url, bool* tls) {
  auto u = config::parseAmqpConnectUrl(url);
  if (!u) return unexpected(errc::kConfig, "AMQP URL: " + u.error().message);
  if (u->tls) *tls = true;
  return u->address();
}

Result<void> applyClientSecurity(proton::connection_options& opts, const ClientSecurity& s,
                                 bool tls, const std::string& what) {
  try {
    opts.sasl_enabled(true);
    if (!s.user.empty()) {
      auto password = readSecretFile(s.password_file);
      if (!password) return unexpected(password.error());
      opts.user(s.user).password(*password).sasl_allowed_mechs("PLAIN");
      opts.sasl_allow_insecure_mechs(!tls);  // a broker on loopback without TLS
    } else if (!s.tls_cert.empty()) {
      opts.sasl_allowed_mechs("EXTERNAL");
    } else {
      opts.sasl_allowed_mechs("ANONYMOUS");
    }
    if (tls) {
      if (!s.tls_cert.empty()) {
        proton::ssl_certificate cert(s.tls_cert, s.tls_key);
        opts.ssl_client_options(proton::ssl_client_options(cert, s.tls_ca));
      } else if (!s.tls_ca.empty()) {
        opts.ssl_client_options(proton::ssl_client_options(s.tls_ca));
      } else {
        opts.ssl_client_options(proton::ssl_client_options());
      }
    }
  } catch (const std::exception& e) {
    return unexpected(errc::kTls, what + " TLS/SASL options: " + e.what());
  }
  return {};
}

}  // namespace hub::amqp
