#include "hub/admin/http_server.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <optional>
#include <thread>

#include "hub/config/endpoint.h"
#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/tls/tls_profile.h"

namespace hub::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct HttpServer::Impl {
  HttpServerOptions opts;                   // Immutable after start()
  Handler handler;                          // Immutable after start(); called on io threads
  std::unique_ptr<ssl::context> tls;        // Immutable after start(); null = plain HTTP
  std::unique_ptr<asio::io_context> io;     // Owner thread creates/destroys; run by io threads
  std::unique_ptr<tcp::acceptor> acceptor;  // Only used on the acceptor's strand (after start)
  std::unique_ptr<asio::steady_timer> accept_retry;  // Only used on the acceptor's strand
  std::atomic<size_t> open{0};                       // Open connections; any thread
  std::atomic<uint64_t> rejected{0};  // Connections refused over max_connections; any thread
  std::atomic<bool> stopping{false};  // Set by stop(); read by io threads
  std::vector<std::thread> threads;   // Only used by the owner thread
  int port = 0;                       // Set in start(), then immutable
};

namespace {

constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::string_view kBusy =
    "HTTP/1.1 503 Service Unavailable\r\nServer: ketenhub\r\nContent-Length: 0\r\n"
    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";

Unexpected<Error> configError(std::string message) {
  return unexpected(errc::kConfig, std::move(message));
}

std::string endpointText(const tcp::endpoint& ep) {
  const auto a = ep.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(ep.port());
}

// A header name or value a handler supplies must not smuggle a line break into the response.
bool safeHeader(const std::string& name, const std::string& value) {
  auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  return !name.empty() && std::none_of(name.begin(), name.end(), bad) &&
         std::none_of(value.begin(), value.end(), bad) &&
         name.find_first_of(" :\t") == std::string::npos;
}

bool serverOwned(const std::string& name) {
  for (std::string_view own : {"Server", "Content-Length", "Cache-Control", "Content-Type",
                               "X-Content-Type-Options", "Connection", "Transfer-Encoding"})
    if (beast::iequals(name, own)) return true;
  return false;
}

HttpRequest toRequest(http::request<http::string_body>&& req, const std::string& peer) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.peer = peer;
  for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
  r.body = std::move(req.body());
  return r;
}

// One connection. Every member is only used on the connection's strand (the socket's executor).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(HttpServer::Impl& impl, std::string peer, Args&&... stream_args)
      : impl_(impl), stream_(std::forward<Args>(stream_args)...), peer_(std::move(peer)) {}
  ~Session() { impl_.open.fetch_sub(1); }

  void run() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  auto self() { return this->shared_from_this(); }

  void begin() {
    if constexpr (kTls) {
      tcp().expires_after(impl_.opts.read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = self()](error_code ec) {
        if (ec) return self->dropped("tls handshake failed", ec);
        self->readRequest();
      });
    } else {
      readRequest();
    }
  }

  // Keep-alive: wait up to idle_timeout for the first byte of the next request.
  void waitForNext() {
    if (buffer_.size() > 0) return readRequest();  // pipelined bytes already here
    tcp().expires_after(impl_.opts.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = self()](error_code ec, std::size_t n) {
      if (ec) return self->dropped("idle connection closed", ec);
      self->buffer_.commit(n);
      self->readRequest();
    });
  }

  // The whole request (headers and body) must arrive within read_timeout.
  void readRequest() {
    parser_.emplace();
    const auto header_limit = std::min<size_t>(impl_.opts.max_header_bytes, UINT32_MAX);
    parser_->header_limit(static_cast<std::uint32_t>(header_limit));
    parser_->body_limit(static_cast<std::uint64_t>(impl_.opts.max_body_bytes));
    tcp().expires_after(impl_.opts.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = self()](error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(error_code ec) {
    if (ec == http::error::header_limit) return fail(431, "request header fields too large\n");
    if (ec == http::error::body_limit) return fail(413, "payload too large\n");
    if (ec == http::error::end_of_stream || ec == http::error::partial_message)
      return dropped("closed by client", ec);
    if (ec && ec.category() == make_error_code(http::error::bad_target).category())
      return fail(400, "bad request\n");  // any other parse error
    if (ec) return dropped("read failed", ec);

    auto req = parser_->release();
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    HttpRequest request = toRequest(std::move(req), peer_);
    const auto started = std::chrono::steady_clock::now();
    HttpResponse response;
    try {
      response = impl_.handler(request);
    } catch (const std::exception&) {
      response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
      log::error("admin http: handler threw", {{"method", request.method}});
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (took > impl_.opts.request_timeout) {
      // The path only: a query string may carry identifiers.
      log::warn("admin http: slow handler",
                {{"method", request.method},
                 {"path", request.target.substr(0, request.target.find('?'))},
                 {"ms", static_cast<long long>(took.count())}});
    }
    respond(std::move(response), version, keep_alive && !impl_.stopping.load());
  }

  void respond(HttpResponse r, unsigned version, bool keep_alive) {
    res_ = {};
    res_.version(version);
    res_.result(r.status >= 100 && r.status <= 999 ? static_cast<unsigned>(r.status) : 500u);
    for (const auto& [name, value] : r.headers)
      if (safeHeader(name, value) && !serverOwned(name)) res_.insert(name, value);
    res_.set(http::field::server, "ketenhub");
    res_.set(http::field::content_type, safeHeader("Content-Type", r.content_type)
                                            ? r.content_type
                                            : "application/octet-stream");
    res_.set(http::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    // A client that does not read its response must not hold the connection either.
    tcp().expires_after(std::max(impl_.opts.read_timeout, std::chrono::milliseconds(1000)));
    http::async_write(stream_, res_, [self = self(), keep_alive](error_code ec, std::size_t) {
      if (ec) return self->dropped("write failed", ec);
      if (!keep_alive) return self->finish();
      self->waitForNext();
    });
  }

  // An error answer ends the connection: the request may be only half read.
  void fail(int status, std::string body) {
    respond(HttpResponse{status, "text/plain; charset=utf-8", std::move(body), {}}, 11, false);
  }

  // Graceful close: our FIN (or close_notify) first, then wait briefly for the client's, reading
  // and discarding what it still sends, so that it sees our last response instead of a reset.
  void finish() {
    tcp().expires_after(std::min(impl_.opts.read_timeout, kMaxLinger));
    if constexpr (kTls) {
      stream_.async_shutdown([self = self()](error_code) { self->closeNow(); });
    } else {
      error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain(0);
    }
  }

  void drain(size_t drained) {
    const size_t limit = impl_.opts.max_body_bytes + impl_.opts.max_header_bytes;
    if (drained > limit) return closeNow();
    tcp().async_read_some(asio::buffer(discard_),
                          [self = self(), drained](error_code ec, std::size_t n) {
                            if (ec) return self->closeNow();
                            self->drain(drained + n);
                          });
  }

  void dropped(std::string_view why, error_code ec) {
    if (ec != asio::error::operation_aborted)
      log::debug("admin http: connection ended",
                 {{"why", why}, {"peer", peer_}, {"error", ec.message()}});
    closeNow();
  }

  void closeNow() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  HttpServer::Impl& impl_;
  Stream stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::array<char, 4096> discard_;
};

// Over max_connections: answer 503 without ever blocking (non-blocking write, at most what the
// socket buffer takes) and close. TLS listeners just close.
void reject(HttpServer::Impl& impl, tcp::socket socket) {
  const uint64_t n = impl.rejected.fetch_add(1) + 1;
  if ((n & (n - 1)) == 0)  // 1, 2, 4, 8, ...: visible, but no log flood under attack
    log::warn("admin http: connection refused, too many open", {{"refused_total", n}});
  error_code ignored;
  socket.non_blocking(true, ignored);
  if (!impl.tls) socket.write_some(asio::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void doAccept(HttpServer::Impl& impl);

void onAccept(HttpServer::Impl& impl, error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || impl.stopping.load()) return;
  if (ec) {  // e.g. EMFILE: back off briefly instead of spinning
    log::warn("admin http: accept failed", {{"error", ec.message()}});
    impl.accept_retry->expires_after(std::chrono::milliseconds(100));
    impl.accept_retry->async_wait([&impl](error_code wec) {
      if (!wec) doAccept(impl);
    });
    return;
  }
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (impl.open.load() >= impl.opts.max_connections) {
    reject(impl, std::move(socket));
    return doAccept(impl);
  }
  const auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("?") : endpointText(remote);
  impl.open.fetch_add(1);
  if (impl.tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<Session<TlsStream>>(impl, std::move(peer), std::move(socket), *impl.tls)
        ->run();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(impl, std::move(peer), std::move(socket))->run();
  }
  doAccept(impl);
}

void doAccept(HttpServer::Impl& impl) {
  impl.acceptor->async_accept(asio::make_strand(*impl.io), [&impl](error_code ec, tcp::socket s) {
    onAccept(impl, ec, std::move(s));
  });
}

Result<void> checkKeyFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return configError("cannot read TLS key " + path);
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return configError("TLS key " + path + " must not be accessible by group or others");
  return {};
}

Result<std::unique_ptr<ssl::context>> makeTlsContext(const HttpServerOptions& o) {
  if (o.tls_cert.empty() != o.tls_key.empty())
    return configError("tls_cert and tls_key must be set together");
  if (o.tls_cert.empty()) {
    if (!o.tls_client_ca.empty()) return configError("tls_client_ca needs tls_cert and tls_key");
    return std::unique_ptr<ssl::context>();
  }
  if (auto k = checkKeyFile(o.tls_key); !k) return unexpected(k.error());
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  if (auto p = tls::applyProfile(ctx->native_handle(), o.tls_profile, tls::Role::kServer); !p)
    return unexpected(p.error());
  error_code ec;
  ctx->use_certificate_chain_file(o.tls_cert, ec);
  if (ec) return configError("cannot load TLS certificate " + o.tls_cert);
  ctx->use_private_key_file(o.tls_key, ssl::context::pem, ec);
  if (ec) return configError("cannot load TLS key " + o.tls_key);
  if (!o.tls_client_ca.empty()) {
    ctx->load_verify_file(o.tls_client_ca, ec);
    if (ec) return configError("cannot load client CA " + o.tls_client_ca);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
    if (ec) return unexpected(errc::kTls, "cannot require client certificates");
    // With verify_peer, OpenSSL refuses any resumption attempt (fatal alert) unless a session id
    // context is set. TODO: move into hub/tls (the one folder that should call OpenSSL).
    static constexpr unsigned char kSidCtx[] = "ketenhub-admin";
    SSL_CTX_set_session_id_context(ctx->native_handle(), kSidCtx, sizeof kSidCtx - 1);
  }
  return ctx;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (beast::iequals(k, name)) return &v;
  return nullptr;
}

Result<ListenAddress> parseListenAddress(std::string_view listen, bool allow_non_loopback) {
  const std::string text(listen);
  auto where = config::parseHostPort(listen, config::PortUse::kListen);
  if (!where) return configError("listen '" + text + "': " + where.error().message);
  if (!where->numeric && where->host != "localhost")
    return configError("listen '" + text +
                       "': HOST must be a numeric IPv4 address, [IPv6] or localhost");
  const std::string host = where->numeric ? where->host : "127.0.0.1";
  error_code ec;
  const auto addr = asio::ip::make_address(host, ec);
  if (ec) return configError("listen '" + text + "': " + ec.message());
  if (!allow_non_loopback && !addr.is_loopback())
    return configError("listen '" + text + "': only a loopback address is allowed");
  return ListenAddress{addr.to_string(), where->port};
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { stop(); }
int HttpServer::port() const { return impl_->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options,
                                                      Handler handler) {
  auto where = parseListenAddress(options.listen, options.allow_non_loopback);
  if (!where) return unexpected(where.error());
  if (options.threads < 1 || options.threads > 64) return configError("threads must be 1..64");
  if (options.max_connections < 1) return configError("max_connections must be at least 1");
  if (!handler) return configError("no handler");
  using std::chrono::milliseconds;
  if (options.read_timeout <= milliseconds(0) || options.idle_timeout <= milliseconds(0))
    return configError("read_timeout and idle_timeout must be positive");
  auto tls = makeTlsContext(options);
  if (!tls) return unexpected(tls.error());

  auto impl = std::make_unique<Impl>();
  impl->opts = options;
  impl->handler = std::move(handler);
  impl->tls = std::move(*tls);
  impl->io = std::make_unique<asio::io_context>(options.threads);
  impl->acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*impl->io));
  impl->accept_retry = std::make_unique<asio::steady_timer>(impl->acceptor->get_executor());
  error_code ec;
  const tcp::endpoint ep(asio::ip::make_address(where->host), where->port);
  impl->acceptor->open(ep.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(ep, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return unexpected(errc::kIo, "cannot listen on " + options.listen + ": " + ec.message());
  impl->port = impl->acceptor->local_endpoint().port();

  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  Impl& i = *server->impl_;
  doAccept(i);
  for (int t = 0; t < options.threads; ++t) {
    i.threads.emplace_back([&i] {
      nameThisThread("kh-admin-io");
      for (;;) {
        try {
          i.io->run();
          return;
        } catch (const std::exception& e) {
          log::error("admin http: io thread caught exception", {{"error", e.what()}});
        }
      }
    });
  }
  return server;
}

void HttpServer::stop() {
  if (!impl_ || !impl_->io) return;
  impl_->stopping.store(true);
  impl_->io->stop();
  for (auto& t : impl_->threads) t.join();  // waits for handlers still running
  impl_->threads.clear();
  impl_->accept_retry.reset();
  impl_->acceptor.reset();  // closes the listening socket
  // Destroying the io_context destroys every pending operation and with it every Session, which
  // closes its socket.
  impl_->io.reset();
}

}  // namespace hub::admin
