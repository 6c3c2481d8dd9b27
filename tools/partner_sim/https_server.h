#pragma once
// A small HTTPS/1.1 server for the partner-sim (Boost.Beast + Asio, OpenSSL underneath): one
// acceptor on the main thread, one thread per connection with synchronous reads and writes,
// keep-alive, TCP_NODELAY, mutual TLS from a hub::tls server context. SIGTERM/SIGINT stop it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hub/core/result.h"
#include "hub/tls/testing/server_context.h"
#include "tools/partner_sim/http_types.h"

namespace hub::sim {

struct HttpsServerOptions {
  std::string host = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 0;               // 0: any free port
  size_t body_limit = 16u << 20;   // larger bodies get 413 and the connection is closed
};

// Called on connection threads, concurrently.
using RequestHandler = std::function<SimResponse(const SimRequest&, const PeerInfo&)>;

class HttpsServer {
 public:
  // Binds and listens; the TLS context is adopted.
  static Result<std::unique_ptr<HttpsServer>> listen(const HttpsServerOptions& options,
                                                     tls::SslCtxPtr tls, RequestHandler handler);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  uint16_t port() const;
  // Serves until SIGTERM or SIGINT, then closes every connection and waits for its thread.
  void run();

 private:
  struct Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::sim
