#pragma once
// Admin HTTP listener (loopback only): /healthz, /readyz, /metrics, /api/v1/status.
// Its own threads; reads snapshots and thread-safe engine calls only.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/engine/scheduler.h"
#include "hub/pipeline/intake.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::admin {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class AdminServer {
 public:
  AdminServer(const AdminConfig& cfg, Store& store, engine::Scheduler& scheduler,
              stats::Stats& stats, std::vector<const IntakeSource*> sources);
  ~AdminServer();
  Result<void> start();
  void stop();
  int port() const { return port_; }

  // Routing, separate from I/O (tested without sockets).
  Response handle(const std::string& method, const std::string& target);

 private:
  struct Impl;
  Response readyz();
  Response metrics();
  Response status();

  AdminConfig cfg_;
  Store& store_;
  engine::Scheduler& scheduler_;
  stats::Stats& stats_;
  std::vector<const IntakeSource*> sources_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> port_{0};
};

}  // namespace hub::admin
