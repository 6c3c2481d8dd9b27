#pragma once
// The options every easy handle of the hub shares, set in one place (HTTPS to partners, SMTP to
// the secure-mail gateway, the print service): no signals, TCP_NODELAY and keep-alive, the
// timeouts, one connection per handle, never a proxy from the environment (special-category
// data must not be routed elsewhere; also spares libcurl's environment lookups per request), and
// verified TLS with only the configured trust anchors (never the system store), peer and host
// name checked, the NCSC profile applied from the SSL_CTX callback, an optional client
// certificate. Returns false when libcurl refused an option.
#include <curl/curl.h>

#include <string>

namespace hub::curl {

struct EasyTransport {
  long connect_timeout_ms = 0;
  long request_timeout_ms = 0;
  char* error_buffer = nullptr;  // CURL_ERROR_SIZE bytes, owned by the handle
};

struct EasyTls {
  const std::string* ca_bundle = nullptr;        // concatenated PEM trust anchors
  const std::string* client_cert_pem = nullptr;  // empty: no client certificate
  const std::string* client_key_pem = nullptr;
  curl_ssl_ctx_callback ssl_ctx_function = nullptr;  // applies the TLS profile
  void* ssl_ctx_data = nullptr;
};

bool setTransportOptions(CURL* e, const EasyTransport& t);
bool setVerifiedTls(CURL* e, const EasyTls& tls);

}  // namespace hub::curl
