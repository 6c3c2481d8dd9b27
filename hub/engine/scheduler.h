#pragma once
// Scheduler: one thread that claims due deliveries from the store (respecting per-partner
// concurrency caps, circuit breakers and per-case order, which the store query enforces) and
// hands them to the worker pool. Workers map, sign and call the partner's adapter; the engine
// (decideAfterAttempt) decides what happens next; the result goes to the store, which applies it
// before any claim submitted later (so the slot is free at once). Holds no state a restart needs:
// it resumes from the store.
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "hub/core/time_source.h"
#include "hub/engine/circuit_breaker.h"
#include "hub/engine/runtime.h"
#include "hub/engine/worker_pool.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::engine {

class Scheduler {
 public:
  Scheduler(RuntimeConstSharedPtr rt, Store& store, const TimeSource& clock, stats::Stats& stats,
            int workers);
  ~Scheduler();
  void start();
  void stop();    // stops claiming, lets running attempts finish and commit
  void notify();  // new deliveries were committed
  void setRuntime(RuntimeConstSharedPtr rt);

  struct PartnerSnapshot {
    int in_flight = 0;
    std::string circuit;  // closed | open | half_open
  };
  std::map<std::string, PartnerSnapshot> snapshot() const;

 private:
  struct PartnerState {
    int in_flight = 0;  // guarded by mu_
    std::unique_ptr<CircuitBreaker> breaker;
    int64_t last_expire_ms = 0;  // only used on the scheduler thread
  };
  void loop();
  int capacityFor(const PartnerConfig& p, int64_t now);  // claims allowed now (0 = none)
  bool dispatchAll(const RuntimeConstSharedPtr& rt, int64_t now);
  void runAttempt(RuntimeConstSharedPtr rt, DueDelivery d);
  void finished(const std::string& partner, OutcomeKind kind, bool sent);
  PartnerState& partnerState(const PartnerConfig& p);  // requires mu_

  Store& store_;
  const TimeSource& clock_;
  stats::Stats& stats_;
  mutable std::mutex mu_;  // guards rt_, partners_, wake_, running_
  std::condition_variable cv_;
  RuntimeConstSharedPtr rt_;
  std::map<std::string, PartnerState> partners_;
  bool wake_ = false;
  bool running_ = false;
  std::thread thread_;
  WorkerPool pool_;
};

}  // namespace hub::engine
