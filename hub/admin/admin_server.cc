#include "hub/admin/admin_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct AdminServer::Impl {
  asio::io_context io;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread thread;
};

AdminServer::AdminServer(const AdminConfig& cfg, Store& store, engine::Scheduler& scheduler,
                         stats::Stats& stats, std::vector<const IntakeSource*> sources)
    : cfg_(cfg),
      store_(store),
      scheduler_(scheduler),
      stats_(stats),
      sources_(std::move(sources)) {}

AdminServer::~AdminServer() { stop(); }

Result<void> AdminServer::start() {
  auto colon = cfg_.listen.rfind(':');
  if (colon == std::string::npos) return unexpected(errc::kConfig, "admin.listen needs HOST:PORT");
  std::string host = cfg_.listen.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  impl_ = std::make_unique<Impl>();
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec || !addr.is_loopback())
    return unexpected(errc::kConfig, "admin.listen must be a loopback address");
  int port = std::atoi(cfg_.listen.c_str() + colon + 1);
  impl_->acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  impl_->acceptor->open(ep.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(ep, ec);
  if (!ec) impl_->acceptor->listen(16, ec);
  if (ec) return unexpected(errc::kIo, "cannot listen on " + cfg_.listen + ": " + ec.message());
  port_ = impl_->acceptor->local_endpoint().port();
  impl_->thread = std::thread([this] {
    nameThisThread("kh-admin");
    for (;;) {
      tcp::socket sock(impl_->io);
      boost::system::error_code aec;
      impl_->acceptor->accept(sock, aec);
      if (aec) return;  // closed by stop()
      // One short request per connection; the admin surface is low-volume.
      beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024);
      http::read(sock, buf, parser, aec);
      if (aec) continue;
      req = parser.release();
      Response r = handle(std::string(req.method_string()), std::string(req.target()));
      http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
      res.set(http::field::content_type, r.content_type);
      res.set(http::field::server, "ketenhub");
      res.keep_alive(false);
      res.body() = std::move(r.body);
      res.prepare_payload();
      http::write(sock, res, aec);
      sock.shutdown(tcp::socket::shutdown_both, aec);
    }
  });
  return {};
}

void AdminServer::stop() {
  if (!impl_) return;
  boost::system::error_code ec;
  if (impl_->acceptor) {
    impl_->acceptor->cancel(ec);
    impl_->acceptor->close(ec);
    ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  }
  // A blocking accept() is not woken by close() on every platform: poke it.
  if (port_ > 0) {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_.reset();
}

Response AdminServer::handle(const std::string& method, const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  if (method != "GET") return {405, "text/plain; charset=utf-8", "method not allowed\n"};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") return readyz();
  if (path == "/metrics") return metrics();
  if (path == "/api/v1/status") return status();
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

Response AdminServer::readyz() {
  std::string problems;
  if (!store_.writable()) problems += "store: not writable\n";
  for (const auto* s : sources_)
    if (!s->connected()) problems += "intake " + s->name() + ": not connected\n";
  if (!problems.empty()) return {503, "text/plain; charset=utf-8", problems};
  return {200, "text/plain; charset=utf-8", "ready\n"};
}

Response AdminServer::metrics() {
  auto counts = store_.counts();
  auto snap = scheduler_.snapshot();
  int64_t now = SystemTimeSource().nowMs();
  if (counts) {
    for (const char* g : {"ketenhub_deliveries_pending", "ketenhub_oldest_pending_age_seconds",
                          "ketenhub_deliveries_past_half_legal_deadline",
                          "ketenhub_deliveries_dead_within_legal_deadline"})
      stats_.clearGauge(g);
    std::map<std::string, int64_t> oldest, past_half, dead_in_time;
    for (const auto& c : *counts) {
      // Legal deadlines keep counting across channels and after death: only delivery ends them.
      if (c.state != "delivered") past_half[c.partner] += c.past_half_legal;
      if (c.state == "dead") {
        // The loudest signal: every channel failed while the law still gives time to act.
        dead_in_time[c.partner] += c.within_legal;
        continue;
      }
      if (c.state == "delivered") continue;
      stats_.setGauge("ketenhub_deliveries_pending",
                      stats::labels({{"partner", c.partner}, {"state", c.state}}),
                      static_cast<double>(c.count));
      auto& o = oldest[c.partner];
      if (o == 0 || c.oldest_created_at < o) o = c.oldest_created_at;
    }
    for (const auto& [p, n] : past_half)
      stats_.setGauge("ketenhub_deliveries_past_half_legal_deadline",
                      stats::labels({{"partner", p}}), static_cast<double>(n));
    for (const auto& [p, n] : dead_in_time)
      stats_.setGauge("ketenhub_deliveries_dead_within_legal_deadline",
                      stats::labels({{"partner", p}}), static_cast<double>(n));
    for (const auto& [p, t] : oldest)
      stats_.setGauge("ketenhub_oldest_pending_age_seconds", stats::labels({{"partner", p}}),
                      t ? (now - t) / 1000.0 : 0);
  }
  for (const auto& [p, s] : snap)
    stats_.setGauge("ketenhub_circuit_open", stats::labels({{"partner", p}}),
                    s.circuit == "closed" ? 0 : 1);
  for (const auto* s : sources_)
    stats_.setGauge("ketenhub_intake_connected", stats::labels({{"source", s->name()}}),
                    s->connected() ? 1 : 0);
  return {200, "text/plain; version=0.0.4; charset=utf-8", stats_.renderPrometheus()};
}

Response AdminServer::status() {
  namespace json = boost::json;
  json::object partners;
  auto counts = store_.counts();
  if (counts) {
    for (const auto& c : *counts) {
      auto& p = partners[c.partner];
      if (!p.is_object()) p = json::object();
      p.as_object()[c.state] = c.count;
      // Every channel failed while the law still gives time to act: the loudest figure.
      if (c.state == "dead") p.as_object()["dead_within_legal_deadline"] = c.within_legal;
    }
  }
  // How the final deliveries went out: per channel (the coupling or a fallback), per state.
  if (auto by = store_.channelCounts()) {
    for (const auto& c : *by) {
      auto& p = partners[c.partner];
      if (!p.is_object()) p = json::object();
      auto& ch = p.as_object()["channels"];
      if (!ch.is_object()) ch = json::object();
      auto& one = ch.as_object()[c.channel.empty() ? "none" : c.channel];
      if (!one.is_object()) one = json::object();
      one.as_object()[c.state] = c.count;
    }
  }
  for (const auto& [code, s] : scheduler_.snapshot()) {
    auto& p = partners[code];
    if (!p.is_object()) p = json::object();
    p.as_object()["in_flight_now"] = s.in_flight;
    p.as_object()["circuit"] = s.circuit;
    p.as_object()["state"] = s.circuit == "closed" ? "ok" : "circuit-open";
  }
  json::object sources;
  for (const auto* s : sources_) sources[s->name()] = json::object{{"connected", s->connected()}};
  json::object root{
      {"partners", partners}, {"intake", sources}, {"store_writable", store_.writable()}};
  return {200, "application/json", json::serialize(root) + "\n"};
}

}  // namespace hub::admin
