#include "adapters/amqp/client_options.h"

#include <openssl/x509.h>

#include <proton/ssl.hpp>

#include "adapters/amqp/amqp_url.h"
#include "adapters/amqp/proton_ssl_domain.h"
#include "hub/config/endpoint.h"
#include "hub/core/error_codes.h"
#include "hub/tls/tls_profile.h"

namespace hub::amqp {
namespace {
constexpr std::string_view kClientTlsProfile = "ncsc-sufficient";
}  // namespace

Result<std::string> connectUrl(const std::string& url, bool* tls) {
  auto u = config::parseAmqpConnectUrl(url);
  if (!u) return unexpected(errc::kConfig, "AMQP URL: " + u.error().message);
  if (u->tls) *tls = true;
  return u->address();
}

Result<proton::ssl_client_options> narrowedClientTls(const std::string& ca, const std::string& cert,
                                                     const std::string& key) {
  try {
    // Without a CA: the system's trust store, named explicitly (Proton's default client options
    // make their context only at connect time, out of reach of the profile below).
    const std::string trust = ca.empty() ? X509_get_default_cert_file() : ca;
    proton::ssl_client_options tls =
        cert.empty() ? proton::ssl_client_options(trust)
                     : proton::ssl_client_options(proton::ssl_certificate(cert, key), trust);
    // receiver_core and the publisher check the negotiated session once more.
    auto ctx = clientSslContext(tls);
    if (!ctx) return unexpected(ctx.error());
    if (auto r = tls::applyProfile(*ctx, kClientTlsProfile, tls::Role::kClient); !r)
      return unexpected(r.error());
    return tls;
  } catch (const std::exception& e) {
    return unexpected(errc::kTls, std::string("TLS options: ") + e.what());
  }
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
      auto client_tls = narrowedClientTls(s.tls_ca, s.tls_cert, s.tls_key);
      if (!client_tls) return unexpected(errc::kTls, what + ": " + client_tls.error().message);
      opts.ssl_client_options(*client_tls);
    }
  } catch (const std::exception& e) {
    return unexpected(errc::kTls, what + " TLS/SASL options: " + e.what());
  }
  return {};
}

}  // namespace hub::amqp
