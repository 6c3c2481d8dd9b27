#pragma once
// The admin listener (loopback by default, TLS optional): every endpoint in one table
// (admin_endpoints.cc: path, method, role, help, handler), served by HttpServer (many
// connections at once, timeouts, bounded requests: one client cannot block it). Roles from
// admin.tokens_file (tokens.h). Reads snapshots and calls thread-safe engine and store
// operations only.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hub/admin/endpoints.h"
#include "hub/admin/http_server.h"
#include "hub/admin/tokens.h"
#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/engine/retention_purger.h"
#include "hub/engine/runtime.h"
#include "hub/engine/scheduler.h"
#include "hub/pipeline/intake.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::admin {

struct AdminContext {
  AdminConfig cfg;
  Store& store;
  AuditTrail& audit;  // operator actions outside the store (payload read, reload) go here first
  engine::Scheduler& scheduler;
  stats::Stats& stats;
  std::vector<const IntakeSource*> sources;
  std::function<engine::RuntimeConstSharedPtr()> runtime;  // the running configuration
  // Reloads the configuration as SIGHUP does (audited as `by`); returns the errors of a refused
  // one.
  std::function<std::vector<std::string>(const Actor& by)> reload;
  const engine::RetentionPurger* retention = nullptr;  // payload retention's last run (status)
};

class AdminServer {
 public:
  explicit AdminServer(AdminContext ctx);
  ~AdminServer();
  Result<void> start();
  void stop();
  int port() const;

  // Routing and handlers, separate from I/O (tested without sockets).
  HttpResponse handle(const HttpRequest& req);

 private:
  std::vector<Endpoint> endpoints();  // THE table (admin_endpoints.cc)
  // Why the hub is not ready, one line per problem; empty when ready (/readyz, ketenhub_ready).
  std::string notReadyReasons();
  HttpResponse readyz();
  HttpResponse metrics();
  HttpResponse status();
  HttpResponse cluster();  // admin_cluster.cc
  // The operator API (admin_api.cc).
  HttpResponse listMessages(const Call& c);
  HttpResponse showMessage(const Call& c);
  HttpResponse replayMessage(const Call& c);
  HttpResponse replayBulk(const Call& c);
  HttpResponse pausePartner(const Call& c, bool paused);
  HttpResponse listQuarantine(const Call& c);
  HttpResponse showQuarantine(const Call& c);
  HttpResponse replayQuarantine(const Call& c);
  HttpResponse reloadConfig(const Call& c);
  bool auditPayloadRead(const Call& c, const EventView& e, const std::string& delivery_id);
  // Four-eyes correction of a quarantined event (admin_proposals.cc).
  HttpResponse listProposals(const Call& c);
  HttpResponse propose(const Call& c);
  HttpResponse approve(const Call& c);
  HttpResponse help();

  AdminContext ctx_;
  std::unique_ptr<TokenStore> tokens_;  // set in start(), then read-only
  std::vector<Endpoint> table_;         // set in start(), then read-only
  std::unique_ptr<HttpServer> server_;
};

}  // namespace hub::admin
