#include "tools/partner_sim/https_server.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/tls/certificate.h"
#include "tools/partner_sim/partner_sim.h"

namespace hub::sim {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Open connections, so that a stop can wake every blocked read and wait for every thread.
class Connections {
 public:
  // Registers a connection (its socket fd); nullopt once stopping.
  std::optional<uint64_t> add(int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return std::nullopt;
    fds_[++next_] = fd;
    return next_;
  }
  // Must be called before the socket is closed (the fd may be reused afterwards).
  void remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.erase(id);
    if (fds_.empty()) idle_.notify_all();
  }
  void shutdownAll() {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (const auto& [id, fd] : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  void waitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return fds_.empty(); });
  }

 private:
  std::mutex mu_;
  std::condition_variable idle_;
  std::map<uint64_t, int> fds_;  // Guarded by mu_
  uint64_t next_ = 0;            // Guarded by mu_
  bool stopping_ = false;        // Guarded by mu_
};

bool isCleanEnd(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == ssl::error::stream_truncated || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected;
}

SimRequest toSimRequest(http::request<http::string_body>&& req) {
  SimRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  r.body = std::move(req.body());
  return r;
}

http::response<http::string_body> toBeastResponse(const SimResponse& s, unsigned version,
                                                  bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(s.status), version};
  res.reason(statusText(s.status));
  res.set(http::field::server, "ketenhub-partner-sim");
  res.set(http::field::content_type, s.content_type);
  for (const auto& [k, v] : s.headers) res.set(k, v);
  res.body() = s.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace

struct HttpsServer::Impl {
  Impl(tls::SslCtxPtr ctx, RequestHandler h, size_t limit)
      : tls(ctx.release()),
        acceptor(io),
        signals(io, SIGINT, SIGTERM),
        handler(std::move(h)),
        body_limit(limit) {}

  void accept();
  void serve(tcp::socket socket, uint64_t id);
  void serveRequests(ssl::stream<tcp::socket>& stream, const PeerInfo& peer);

  asio::io_context io;
  ssl::context tls;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  const RequestHandler handler;
  const size_t body_limit;
  Connections connections;
};

void HttpsServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);  // headers and body go out in separate writes
      auto id = connections.add(socket.native_handle());
      if (id) {
        try {
          std::thread([this, s = std::move(socket), i = *id]() mutable {
            nameThisThread("sim-conn");
            serve(std::move(s), i);
          }).detach();
        } catch (const std::system_error& e) {
          connections.remove(*id);
          hub::log::error("cannot start connection thread", {{"reason", e.what()}});
        }
      }
    } else {
      hub::log::warn("accept failed", {{"reason", ec.message()}});
    }
    accept();
  });
}

void HttpsServer::Impl::serve(tcp::socket socket, uint64_t id) {
  beast::error_code ec;
  std::string remote;
  if (auto ep = socket.remote_endpoint(ec); !ec) {
    remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ssl::stream<tcp::socket> stream(std::move(socket), tls);
  stream.handshake(ssl::stream_base::server, ec);
  if (ec) {
    hub::log::warn("tls handshake refused", {{"remote", remote}, {"reason", ec.message()}});
  } else {
    PeerInfo peer;
    if (auto info = tls::peerCertificateInfo(stream.native_handle())) {
      peer.subject = info->subject;
      peer.oin = info->oin;
    }
    hub::log::debug("tls connection", {{"remote", remote}, {"client_oin", peer.oin}});
    serveRequests(stream, peer);
  }
  connections.remove(id);
  stream.next_layer().close(ec);
}

void HttpsServer::Impl::serveRequests(ssl::stream<tcp::socket>& stream, const PeerInfo& peer) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    http::read(stream, buffer, parser, ec);
    if (ec && isCleanEnd(ec)) return;
    if (ec) {
      // A malformed or oversized request: answer once, then close the connection.
      SimResponse r;
      r.status = ec == http::error::body_limit ? 413 : 400;
      r.body = r.status == 413 ? "body too large\n" : "malformed HTTP request\n";
      hub::log::warn("bad http request", {{"status", r.status}, {"reason", ec.message()}});
      auto res = toBeastResponse(r, 11, false);
      http::write(stream, res, ec);
      if (!ec) stream.shutdown(ec);
      return;
    }
    auto req = parser.release();
    unsigned version = req.version();
    bool keep_alive = req.keep_alive();
    SimResponse r = handler(toSimRequest(std::move(req)), peer);
    auto res = toBeastResponse(r, version, keep_alive);
    http::write(stream, res, ec);
    if (ec) return;
    if (!keep_alive) {
      stream.shutdown(ec);  // close_notify; the client closes next
      return;
    }
  }
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() {
  if (impl_) {
    impl_->connections.shutdownAll();
    impl_->connections.waitIdle();
  }
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::listen(const HttpsServerOptions& options,
                                                         tls::SslCtxPtr tls,
                                                         RequestHandler handler) {
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return unexpected(errc::kConfig, "bad listen address '" + options.host + "'");
  auto impl = std::make_unique<Impl>(std::move(tls), std::move(handler), options.body_limit);
  tcp::endpoint endpoint(address, options.port);
  std::string where = options.host + ":" + std::to_string(options.port);
  if (impl->acceptor.open(endpoint.protocol(), ec); ec) {
    return unexpected(errc::kIo, "cannot open socket: " + ec.message());
  }
  impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (impl->acceptor.bind(endpoint, ec); ec) {
    return unexpected(errc::kIo, "cannot bind " + where + ": " + ec.message());
  }
  if (impl->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return unexpected(errc::kIo, "cannot listen on " + where + ": " + ec.message());
  }
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

uint16_t HttpsServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpsServer::run() {
  impl_->signals.async_wait([this](const beast::error_code& ec, int signal) {
    if (ec) return;
    hub::log::info("partner-sim stopping", {{"signal", signal}});
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->accept();
  impl_->io.run();
  impl_->connections.shutdownAll();
  impl_->connections.waitIdle();
}

}  // namespace hub::sim
