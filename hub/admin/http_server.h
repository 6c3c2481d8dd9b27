#pragma once
// HTTP/1.1 server for the admin listener that no single client can block: asynchronous Beast on an
// io_context with several threads, one strand per connection, a deadline for every read (whole
// request within read_timeout, keep-alive idle within idle_timeout), header and body limits and a
// cap on open connections. Optional TLS (NCSC profile via hub/tls) with client certificates.
//
// Threads: start() and stop() on the owner's thread; the handler runs on an io thread, on the
// strand of its connection, so a slow handler delays only its own connection (and occupies one of
// `threads` io threads while it runs).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/core/result.h"

namespace hub::admin {

struct HttpRequest {
  std::string method;
  std::string target;  // path?query, as sent
  std::string body;
  std::string peer;  // "127.0.0.1:54321" or "[::1]:54321"
  std::vector<std::pair<std::string, std::string>> headers;
  // First header with this name (ASCII case-insensitive), nullptr when absent.
  const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers; Server, Content-Length, Cache-Control and X-Content-Type-Options are set by the
  // server and win over these.
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8081";  // HOST:PORT ("[::1]:PORT" for IPv6); port 0 = any
  bool allow_non_loopback = false;        // otherwise a non-loopback HOST is refused at start
  int threads = 2;                        // io_context threads (1..64)
  size_t max_connections = 256;           // beyond: accepted and closed at once (503 on plain HTTP)
  size_t max_header_bytes = 16 * 1024;    // -> 431
  size_t max_body_bytes = 1024 * 1024;    // -> 413
  std::chrono::milliseconds read_timeout{5000};      // whole request (and TLS handshake) -> close
  std::chrono::milliseconds idle_timeout{30000};     // keep-alive idle between requests -> close
  std::chrono::milliseconds request_timeout{30000};  // handler budget: logged when exceeded
  // TLS: cert (PEM chain, leaf first) and key (PEM, no group/other access) enable it; client_ca
  // non-empty requires a client certificate issued by one of its CAs (mutual TLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  std::string tls_profile = "ncsc-sufficient";  // see hub/tls/tls_profile.h
};

struct ListenAddress {
  std::string host;  // numeric address, without brackets ("127.0.0.1", "::1")
  uint16_t port = 0;
};

// Strict HOST:PORT parsing (hub/config/endpoint.h): numeric port 0..65535 (no sign, no spaces),
// HOST a numeric IPv4 address, a bracketed IPv6 address or "localhost" (-> 127.0.0.1).
// Non-loopback hosts are an error unless allow_non_loopback. Errors are errc::kConfig.
Result<ListenAddress> parseListenAddress(std::string_view listen, bool allow_non_loopback);

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Validates the options, binds, listens and starts the io threads. Errors: kConfig (options,
  // TLS files), kIo (bind/listen), kTls (profile).
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options,
                                                   Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (useful with port 0).
  int port() const;
  // Stops accepting, closes every connection and joins the io threads (waits for handlers that
  // are running). Idempotent; also done by the destructor. Call from the owner's thread, never
  // from a handler.
  void stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;  // Only used by the owner's thread (start/stop/port)
};

}  // namespace hub::admin
