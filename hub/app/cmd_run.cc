// ketenhub run --config hub.yaml: the hub. Wiring only: store, scheduler, intake sources, admin.
// Signals: SIGTERM/SIGINT stop gracefully; SIGHUP reloads the configuration atomically.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/amqp/connect_intake.h"
#include "adapters/amqp/listen_intake.h"
#include "adapters/amqp/outbox_publisher.h"
#include "hub/admin/admin_server.h"
#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/app/hub_metrics.h"
#include "hub/app/own_certificates.h"
#include "hub/app/runtime_loader.h"
#include "hub/app/systemd_notify.h"
#include "hub/app/version.h"
#include "hub/audit/file_trail.h"
#include "hub/engine/intake_service.h"
#include "hub/engine/lease_keeper.h"
#include "hub/engine/outbox_relay.h"
#include "hub/engine/retention_purger.h"
#include "hub/engine/scheduler.h"
#include "hub/log/log.h"
#include "hub/store/sql_store.h"

namespace hub::app {
namespace {

std::string hostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "";
  return host;
}

// The instance in every audit record: audit.instance, else the host name.
std::string instanceName(const HubConfig& cfg) {
  if (!cfg.audit.instance.empty()) return cfg.audit.instance;
  std::string host = hostName();
  return host.empty() ? "ketenhub" : host;
}

int defaultWorkers(const HubConfig& cfg) {
  if (cfg.engine.workers > 0) return cfg.engine.workers;
  // Exchanges that block (secure mail, print, SOAP, rest-xml with CRLs) wait here while the
  // build workers keep the cores busy: enough that a slow relay does not hold the others.
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(64u, cores * 8));
}

}  // namespace

int runMain(const RunOptions& opts) {
  const std::string& config_file = opts.config_file;
  // Block the signals we handle before any thread starts; the main thread waits for them.
  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sigs, s);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  RuntimeLoad load = loadRuntime(config_file, true);
  for (const auto& w : load.warnings) log::warn("config warning", {{"detail", w}});
  if (!load.runtime) {
    for (const auto& e : load.errors) std::cerr << "error: " << e << "\n";
    return fail("configuration has " + std::to_string(load.errors.size()) + " error(s)");
  }
  auto rt = load.runtime;
  const auto& cfg = *rt->cfg;
  // log.level from hub.yaml (again at every reload); `run --log-level` wins over it.
  auto applyLogLevel = [&](const HubConfig& c) {
    log::Level level = log::Level::kInfo;
    if (log::parseLevel(opts.log_level.empty() ? c.log.level : opts.log_level, level))
      log::setMinLevel(level);
  };
  applyLogLevel(cfg);

  SystemTimeSource clock;
  auto trail = audit::FileTrail::open(
      {cfg.audit.dir, {instanceName(cfg), cfg.hub.oin}, cfg.audit.retention_days}, clock);
  if (!trail) return fail("audit trail: " + trail.error().message);
  AuditTrail& audit_trail = **trail;
  stats::Stats stats;
  registerHubMetrics(stats, cfg.store.sqlite_path);
  configLoaded(stats, cfg, clock.nowMs());
  store::SqlStore::Options store_options{
      cfg.store.sqlite_path, cfg.store.group_commit_max, cfg.store.max_size_mb, &audit_trail,
      [&stats](double seconds) { stats.storeCommitSeconds(seconds); }};
  store_options.postgres = cfg.store.postgres_conninfo;
  store_options.postgres_password_file = cfg.store.postgres_password_file;
  // Several instances may share a PostgreSQL store: claims are leased to this process.
  store_options.instance_id = instanceName(cfg) + "/" + std::to_string(::getpid());
  store_options.host = hostName();
  store_options.version = std::string(versionNumber());
  if (!cfg.store.postgres_conninfo.empty())
    store_options.lease_ms = static_cast<int64_t>(cfg.store.lease_seconds) * 1000;
  auto store = store::SqlStore::open(store_options, clock);
  if (!store) return fail(store.error().message);
  auto recovered = (*store)->recoverInFlight();
  if (!recovered) return fail(recovered.error().message);
  if (*recovered > 0) log::warn("recovered interrupted deliveries", {{"count", *recovered}});

  engine::Scheduler scheduler(rt, **store, clock, stats, defaultWorkers(cfg), {},
                              cfg.engine.build_workers);
  engine::IntakeService intake(rt, **store, scheduler, stats);
  scheduler.start();
  std::unique_ptr<engine::LeaseKeeper> leases;
  if (store_options.lease_ms > 0) {
    leases = std::make_unique<engine::LeaseKeeper>(
        **store, clock, store_options.lease_ms, [&scheduler] { scheduler.notify(); },
        [&scheduler](std::map<std::string, int64_t> held) {
          scheduler.holdCircuits(std::move(held));
        });
    leases->start();
  }

  // Status notifications and dead letters: published from the store's outbox (at-least-once).
  // notify/dead_letter changes take effect at the next start, not on reload.
  std::unique_ptr<amqp::OutboxPublisher> publisher;
  std::unique_ptr<engine::OutboxRelay> relay;
  if (cfg.notify.enabled()) {
    auto pub = amqp::OutboxPublisher::start(cfg.notify);
    if (!pub) {
      if (leases) leases->stop();
      scheduler.stop();
      (*store)->stop();
      return fail("notify: " + pub.error().message);
    }
    publisher = std::move(*pub);
    relay = std::make_unique<engine::OutboxRelay>(**store, *publisher, clock);
    relay->start();
    log::info("status notifications on", {{"address", cfg.notify.address},
                                          {"dead_letter_address", cfg.notify.dead_letter_address}});
  }

  std::vector<std::unique_ptr<amqp::ListenIntake>> listeners;
  std::vector<std::unique_ptr<amqp::ConnectIntake>> connectors;
  std::vector<const IntakeSource*> sources;
  std::unique_ptr<engine::RetentionPurger> retention;
  auto stopAll = [&] {
    for (auto& l : listeners) l->stop();
    for (auto& c : connectors) c->stop();
    if (leases) leases->stop();
    scheduler.stop();
    if (retention) retention->stop();
    if (relay) relay->stop();
    if (publisher) publisher->stop();
    (*store)->stop();
  };
  for (const auto& src : cfg.intake.listen) {
    auto l = std::make_unique<amqp::ListenIntake>(src, cfg.intake, intake);
    if (auto r = l->start(); !r) {
      stopAll();
      return fail("intake " + src.name + ": " + r.error().message);
    }
    log::info("intake listening",
              {{"source", src.name}, {"port", l->boundPort()}, {"address", src.address}});
    sources.push_back(l.get());
    listeners.push_back(std::move(l));
  }
  for (const auto& src : cfg.intake.connect) {
    auto c = std::make_unique<amqp::ConnectIntake>(src, cfg.intake, intake);
    if (auto r = c->start(); !r) {
      stopAll();
      return fail("intake " + src.name + ": " + r.error().message);
    }
    log::info("intake connecting", {{"source", src.name}, {"address", src.address}});
    sources.push_back(c.get());
    connectors.push_back(std::move(c));
  }

  // The running configuration, swapped whole on reload (SIGHUP or POST /api/v1/reload).
  std::mutex rt_mu;
  engine::RuntimeConstSharedPtr current = rt;
  SystemdNotifier systemd;
  auto reloadNow = [&](const Actor& by) -> std::vector<std::string> {
    systemd.reloading();
    struct ReadyAgain {  // whatever the outcome, the service is running (the old or the new)
      const SystemdNotifier& n;
      ~ReadyAgain() { n.ready("running"); }
    } ready_again{systemd};
    RuntimeLoad next = loadRuntime(config_file, true);
    AuditRecord rec;
    rec.at_ms = clock.nowMs();
    rec.action = "config_reloaded";
    rec.outcome = next.runtime ? "reloaded" : "refused";
    rec.user = by.user;
    rec.access_point = by.access_point;
    rec.reason = next.runtime ? "" : std::to_string(next.errors.size()) + " error(s)";
    if (auto a = audit_trail.append({rec}); !a) {
      configRefused(stats);
      return {"not reloaded: the audit trail is not writable (" + a.error().message + ")"};
    }
    if (!next.runtime) {
      configRefused(stats);
      log::error("reload rejected; the running configuration stays",
                 {{"errors", next.errors.size()},
                  {"first", next.errors.empty() ? "" : next.errors.front()}});
      return next.errors.empty() ? std::vector<std::string>{"configuration refused"} : next.errors;
    }
    scheduler.setRuntime(next.runtime);
    intake.setRuntime(next.runtime);
    applyLogLevel(*next.runtime->cfg);
    {
      std::lock_guard<std::mutex> lock(rt_mu);
      current = next.runtime;
    }
    configLoaded(stats, *next.runtime->cfg, clock.nowMs());
    for (const auto& w : next.warnings) log::warn("config warning", {{"detail", w}});
    log::info("configuration reloaded");
    return {};
  };
  // Payload retention: a purge now, then hourly; retention.payload_days is read at every run.
  engine::RetentionPurger::Options retention_opts;
  retention_opts.payload_days = [&] {
    std::lock_guard<std::mutex> lock(rt_mu);
    return current->cfg->store.payload_days;
  };
  retention = std::make_unique<engine::RetentionPurger>(**store, clock, stats, retention_opts);
  retention->start();
  admin::AdminServer admin_server(admin::AdminContext{cfg.admin, **store, audit_trail, scheduler,
                                                      stats, sources,
                                                      [&] {
                                                        std::lock_guard<std::mutex> lock(rt_mu);
                                                        return current;
                                                      },
                                                      reloadNow, retention.get()});
  if (auto r = admin_server.start(); !r) {
    stopAll();
    return fail("admin: " + r.error().message);
  }
  log::info("ketenhub running", {{"hub", cfg.hub.name},
                                 {"admin_port", admin_server.port()},
                                 {"partners", cfg.partners.size()}});
  systemd.ready("running");

  // Certificates (the hub's own and the partners' seen in handshakes) that expire within 30
  // days: logged once a day (the own ones were logged as config warnings at start and reload).
  int64_t next_expiry_log = clock.nowMs() / 1000 + 86400;
  for (;;) {
    const int64_t now_s = clock.nowMs() / 1000;
    if (now_s >= next_expiry_log) {
      std::vector<tls::CertificateExpiry> certs = tls::seenServerCertificates().snapshot();
      {
        std::lock_guard<std::mutex> lock(rt_mu);
        certs.insert(certs.end(), current->certificates.begin(), current->certificates.end());
      }
      logExpiringCertificates(certs, now_s);
      next_expiry_log = now_s + 86400;
    }
    // With a systemd watchdog (WatchdogSec=), the main loop pings it: a hub whose main thread
    // hangs (in a reload, say) is restarted by systemd.
    systemd.watchdog();
    int64_t wait_s = std::min<int64_t>(3600, next_expiry_log - now_s);
    if (systemd.watchdogInterval().count() > 0)
      wait_s = std::min<int64_t>(wait_s, systemd.watchdogInterval().count() / 1000);
    timespec wait{std::max<int64_t>(1, wait_s), 0};
    const int sig = sigtimedwait(&sigs, nullptr, &wait);
    if (sig < 0) continue;  // timeout (EAGAIN) or EINTR
    if (sig == SIGHUP) {
      (void)reloadNow(Actor{"signal:SIGHUP", "local", ""});
      continue;
    }
    log::info("stopping", {{"signal", sig}});
    systemd.stopping();
    break;
  }
  admin_server.stop();
  stopAll();
  log::info("stopped");
  return 0;
}

}  // namespace hub::app
