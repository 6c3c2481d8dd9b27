// THE table of admin endpoints: method, path, role, help, handler.
#include <boost/json.hpp>

#include "hub/admin/admin_server.h"
#include "hub/admin/dashboard.h"

namespace hub::admin {

std::vector<Endpoint> AdminServer::endpoints() {
  auto h = [this](HttpResponse (AdminServer::*fn)(const Call&)) {
    return [this, fn](const Call& c) { return (this->*fn)(c); };
  };
  return {
      {"GET", "/", Role::kNone, "the operator dashboard (its API calls carry the token)",
       [](const Call&) {
         HttpResponse r{200, "text/html; charset=utf-8", std::string(dashboardHtml()), {}};
         r.headers.push_back(
             {"Content-Security-Policy",
              "default-src 'self'; script-src 'unsafe-inline'; "
              "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
              "frame-ancestors 'none'"});
         r.headers.push_back({"X-Frame-Options", "DENY"});
         r.headers.push_back({"Referrer-Policy", "no-referrer"});
         return r;
       }},
      {"GET", "/healthz", Role::kNone, "process alive",
       [](const Call&) {
         return HttpResponse{200, "text/plain; charset=utf-8", "ok\n", {}};
       }},
      {"GET", "/readyz", Role::kNone,
       "store and audit trail writable, intake connected (503 says why)",
       [this](const Call&) { return readyz(); }},
      {"GET", "/metrics", Role::kNone, "Prometheus text format",
       [this](const Call&) { return metrics(); }},
      {"GET", "/api/v1/status", Role::kViewer, "per partner and intake source",
       [this](const Call&) { return status(); }},
      {"GET", "/api/v1/cluster", Role::kViewer,
       "every hub instance sharing the store: heartbeat, alive or stale, deliveries in flight",
       [this](const Call&) { return cluster(); }},
      {"GET", "/api/v1/endpoints", Role::kViewer, "this table",
       [this](const Call&) { return help(); }},
      {"GET", "/api/v1/messages", Role::kViewer,
       "deliveries; filters state, partner, product, event_type, case, from, to (unix ms); "
       "limit, cursor",
       h(&AdminServer::listMessages)},
      {"GET", "/api/v1/messages/{id}", Role::kViewer,
       "one delivery: envelope, attempts, reasons, product SHA-256 (?payload=1: the event body, "
       "operator only)",
       h(&AdminServer::showMessage)},
      {"POST", "/api/v1/messages/{id}/replay", Role::kOperator,
       "replay a dead delivery (same delivery id)", h(&AdminServer::replayMessage)},
      {"POST", "/api/v1/replay", Role::kOperator,
       "replay dead deliveries by filter (as the list), at most `rate` per second (default 5)",
       h(&AdminServer::replayBulk)},
      {"POST", "/api/v1/partners/{partner}/pause", Role::kOperator,
       "hold a partner's deliveries on every channel",
       [this](const Call& c) { return pausePartner(c, true); }},
      {"POST", "/api/v1/partners/{partner}/resume", Role::kOperator, "release a paused partner",
       [this](const Call& c) { return pausePartner(c, false); }},
      {"GET", "/api/v1/quarantine", Role::kViewer,
       "quarantined events; filters event_type, case, from, to; limit, cursor",
       h(&AdminServer::listQuarantine)},
      {"GET", "/api/v1/quarantine/{id}", Role::kViewer,
       "one quarantined event and its reason (?payload=1: the body, operator only)",
       h(&AdminServer::showQuarantine)},
      {"POST", "/api/v1/quarantine/{id}/replay", Role::kOperator,
       "run intake again on the stored body (after a schema or route fix)",
       h(&AdminServer::replayQuarantine)},
      {"GET", "/api/v1/quarantine/{id}/proposals", Role::kViewer,
       "proposed corrections of a quarantined event: who, when, which JSON pointers changed",
       h(&AdminServer::listProposals)},
      {"POST", "/api/v1/quarantine/{id}/proposals", Role::kOperator,
       "propose a corrected body (the request body) for a quarantined event",
       h(&AdminServer::propose)},
      {"POST", "/api/v1/quarantine/{id}/proposals/{proposal}/approve", Role::kOperator,
       "approve another operator's correction: intake runs on the corrected body (four eyes)",
       h(&AdminServer::approve)},
      {"POST", "/api/v1/reload", Role::kOperator,
       "reload the configuration (as SIGHUP); a refused one returns its errors",
       h(&AdminServer::reloadConfig)},
  };
}

HttpResponse AdminServer::help() {
  boost::json::array out;
  for (const auto& e : table_)
    out.push_back(boost::json::object{
        {"method", e.method}, {"path", e.path}, {"role", roleName(e.role)}, {"help", e.help}});
  return json(200, boost::json::serialize(boost::json::object{{"endpoints", out}}));
}

}  // namespace hub::admin
