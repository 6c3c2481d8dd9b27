#pragma once
// A TLS server context with mutual TLS: our certificate and key, client certificates required and
// verified against a CA bundle, a TLS profile (NCSC or, for partner-sim only, a test profile).
// Callers get an owning SSL_CTX handle without seeing OpenSSL headers; Boost.Asio's
// ssl::context can adopt it (ssl::context(ptr.release())).
#include <memory>
#include <string>

#include "hub/core/result.h"

struct ssl_ctx_st;

namespace hub::tls {

struct SslCtxDeleter {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxDeleter>;

struct ServerTlsOptions {
  std::string cert_path;                    // PEM, leaf first (chain may follow)
  std::string key_path;                     // PEM, must not be accessible by group/others
  std::string ca_path;                      // PEM bundle of CAs trusted for client certificates
  std::string profile = "ncsc-sufficient";  // or a test profile (test_profiles.h)
  bool allow_test_profiles = false;         // partner-sim only
};

Result<SslCtxPtr> makeServerContext(const ServerTlsOptions& options);

}  // namespace hub::tls
