#include "hub/admin/admin_server.h"

#include <boost/json.hpp>

#include "hub/admin/scrape_gauges.h"
#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/core/time_format.h"
#include "hub/log/log.h"
#include "hub/tls/expiry_registry.h"

namespace hub::admin {

AdminServer::AdminServer(AdminContext ctx) : ctx_(std::move(ctx)) {}

AdminServer::~AdminServer() { stop(); }

Result<void> AdminServer::start() {
  const AdminConfig& cfg = ctx_.cfg;
  if (!cfg.tokens_file.empty()) {
    auto t = TokenStore::load(cfg.tokens_file);
    if (!t) return unexpected(t.error());
    tokens_ = std::make_unique<TokenStore>(std::move(*t));
    log::info("admin tokens loaded", {{"tokens", tokens_->size()}});
  }
  table_ = endpoints();
  HttpServerOptions o;
  o.listen = cfg.listen;
  o.tls_cert = cfg.tls_cert;
  o.tls_key = cfg.tls_key;
  o.tls_client_ca = cfg.tls_client_ca;
  auto server = HttpServer::start(o, [this](const HttpRequest& req) { return handle(req); });
  if (!server) return unexpected(server.error());
  server_ = std::move(*server);
  return {};
}

void AdminServer::stop() {
  if (server_) server_->stop();
  server_.reset();
}

int AdminServer::port() const { return server_ ? server_->port() : 0; }

namespace {
// The admin listener is on loopback: a request naming another host reached it through DNS
// rebinding (a web page making the browser call 127.0.0.1 under its own name) and is refused.
bool loopbackHost(const std::string* host) {
  if (!host) return true;  // HTTP/1.0 clients
  std::string h = *host;
  if (!h.empty() && h.front() == '[') {
    auto end = h.find(']');
    h = end == std::string::npos ? "" : h.substr(1, end - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos) {
    h.resize(colon);
  }
  return h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0;
}
}  // namespace

HttpResponse AdminServer::handle(const HttpRequest& req) {
  if (!loopbackHost(req.header("Host")))
    return jsonError(421, "the admin listener answers only to a loopback host name");
  return route(table_, req, tokens_.get());
}

std::string AdminServer::notReadyReasons() {
  std::string problems;
  if (!ctx_.audit.writable())
    problems += "audit trail: not writable (" + ctx_.audit.lastError() + ")\n";
  if (!ctx_.store.writable()) problems += "store: not writable\n";
  for (const auto* s : ctx_.sources)
    if (!s->connected()) problems += "intake " + s->name() + ": not connected\n";
  return problems;
}

HttpResponse AdminServer::readyz() {
  std::string problems = notReadyReasons();
  if (!problems.empty()) return {503, "text/plain; charset=utf-8", problems, {}};
  return {200, "text/plain; charset=utf-8", "ready\n", {}};
}

HttpResponse AdminServer::metrics() {
  auto counts = ctx_.store.counts();
  auto snap = ctx_.scheduler.snapshot();
  int64_t now = SystemTimeSource().nowMs();
  std::vector<std::string> partners;
  for (const auto& [code, p] : ctx_.runtime()->cfg->partners) partners.push_back(code);
  if (counts) {
    for (auto& [name, series] : deliveryGauges(*counts, partners, now))
      ctx_.stats.setGaugeFamily(name, std::move(series));
  }
  ctx_.stats.setGauge("ketenhub_ready", "", notReadyReasons().empty() ? 1 : 0);
  if (auto cluster = ctx_.store.instances(now))
    ctx_.stats.setGaugeFamily("ketenhub_cluster_instances", clusterGauges(*cluster));
  std::map<std::string, double> circuit;  // every configured partner, closed until it opens
  for (const auto& p : partners) circuit[stats::labels({{"partner", p}})] = 0;
  for (const auto& [p, s] : snap)
    circuit[stats::labels({{"partner", p}})] = s.circuit == "closed" ? 0 : 1;
  ctx_.stats.setGaugeFamily("ketenhub_circuit_open", std::move(circuit));
  ctx_.stats.clearGauge("ketenhub_certificate_expiry_timestamp_seconds");
  for (const auto& [name, at] : ctx_.runtime()->certificate_expiry)
    ctx_.stats.setGauge("ketenhub_certificate_expiry_timestamp_seconds",
                        stats::labels({{"name", name}}), static_cast<double>(at));
  // Seconds until notAfter, computed now: the hub's own certificates and every partner server
  // certificate seen in a handshake (negative once expired).
  ctx_.stats.clearGauge("ketenhub_certificate_expiry_seconds");
  std::vector<tls::CertificateExpiry> certs = tls::seenServerCertificates().snapshot();
  const auto& own = ctx_.runtime()->certificates;
  certs.insert(certs.end(), own.begin(), own.end());
  for (const auto& c : certs)
    ctx_.stats.setGauge("ketenhub_certificate_expiry_seconds",
                        stats::labels({{"subject", c.subject}, {"role", c.role}}),
                        static_cast<double>(c.not_after - now / 1000));
  for (const auto* s : ctx_.sources)
    ctx_.stats.setGauge("ketenhub_intake_connected", stats::labels({{"source", s->name()}}),
                        s->connected() ? 1 : 0);
  return {200, "text/plain; version=0.0.4; charset=utf-8", ctx_.stats.renderPrometheus(), {}};
}

namespace {
// Payload retention's last run: when, what it purged, and why it failed if it did.
boost::json::object retentionJson(const engine::RetentionPurger::Status& s) {
  auto at = [](int64_t ms) { return ms ? boost::json::value(formatRfc3339Utc(ms)) : nullptr; };
  boost::json::object o{{"payload_days", s.payload_days},
                        {"last_run_at", at(s.last_run_at)},
                        {"last_success_at", at(s.last_success_at)},
                        {"failures", s.failures},
                        {"last_purged", boost::json::object{{"events", s.last.events},
                                                            {"proposals", s.last.proposals},
                                                            {"products", s.last.products},
                                                            {"outbox", s.last.outbox}}}};
  if (!s.last_error.empty()) {
    o["last_error"] = s.last_error;
    o["last_error_at"] = at(s.last_error_at);
  }
  return o;
}
}  // namespace

HttpResponse AdminServer::status() {
  namespace json = boost::json;
  json::object partners;
  auto counts = ctx_.store.counts();
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
  if (auto by = ctx_.store.channelCounts()) {
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
  for (const auto& [code, s] : ctx_.scheduler.snapshot()) {
    auto& p = partners[code];
    if (!p.is_object()) p = json::object();
    p.as_object()["in_flight_now"] = s.in_flight;
    p.as_object()["circuit"] = s.circuit;
    p.as_object()["state"] = s.circuit == "closed" ? "ok" : "circuit-open";
  }
  // Recent activity, the oldest waiting delivery and certificate expiry, per partner.
  int64_t now = SystemTimeSource().nowMs();
  if (auto act = ctx_.store.activity(now)) {
    for (const auto& a : *act) {
      auto& p = partners[a.partner];
      if (!p.is_object()) p = json::object();
      auto& o = p.as_object();
      o["delivered_5m"] = a.delivered_5m;
      o["delivered_1h"] = a.delivered_1h;
      o["failed_5m"] = a.failed_5m;
      o["failed_1h"] = a.failed_1h;
      if (!a.last_error.empty()) {
        o["last_error"] = a.last_error;
        o["last_error_at"] = formatRfc3339Utc(a.last_error_at);
      }
    }
  }
  if (counts) {
    std::map<std::string, int64_t> oldest;
    for (const auto& c : *counts) {
      if (c.state == "delivered" || c.state == "dead") continue;
      auto& o = oldest[c.partner];
      if (o == 0 || c.oldest_created_at < o) o = c.oldest_created_at;
    }
    for (const auto& [code, at] : oldest)
      partners[code].as_object()["oldest_pending_age_s"] = (now - at) / 1000;
  }
  auto rt = ctx_.runtime();
  for (const auto& [name, at] : rt->certificate_expiry) {
    // partners.<code>.client / .ca
    if (name.rfind("partners.", 0) != 0) continue;
    auto dot = name.find('.', 9);
    std::string code = name.substr(9, dot - 9), which = name.substr(dot + 1);
    auto& p = partners[code];
    if (!p.is_object()) p = json::object();
    p.as_object()[which == "client" ? "client_certificate_expires" : "trust_anchor_expires"] =
        formatRfc3339Utc(at * 1000);
  }
  // A paused partner says so first: an operator holds it on purpose.
  if (auto paused = ctx_.store.pausedPartners()) {
    for (const auto& code : *paused) {
      auto& p = partners[code];
      if (!p.is_object()) p = json::object();
      p.as_object()["paused"] = true;
      p.as_object()["state"] = "paused";
    }
  }
  json::object sources;
  for (const auto* s : ctx_.sources)
    sources[s->name()] = json::object{{"connected", s->connected()}};
  json::object root{
      {"partners", partners}, {"intake", sources}, {"store_writable", ctx_.store.writable()}};
  if (auto it = rt->certificate_expiry.find("signing"); it != rt->certificate_expiry.end())
    root["signing_certificate_expires"] = formatRfc3339Utc(it->second * 1000);
  if (ctx_.retention) root["retention"] = retentionJson(ctx_.retention->status());
  return {200, "application/json", json::serialize(root) + "\n", {}};
}

}  // namespace hub::admin
