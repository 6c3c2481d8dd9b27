#pragma once
// A TLS client for the HTTP server tests: one GET over TLS with an optional client certificate,
// every step bounded by a deadline (asio, run_for).
#include <chrono>
#include <string>

namespace hub::admin::testing {

struct TlsGetResult {
  bool handshake_ok = false;
  int status = 0;     // 0 when no response arrived
  std::string error;  // first error met, "" on success
};

// ca: trusted for the server certificate (verified, including 127.0.0.1 in its SAN); cert/key:
// the client certificate, or empty for none.
TlsGetResult tlsGet(int port, const std::string& target, const std::string& ca,
                    const std::string& cert, const std::string& key,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace hub::admin::testing
