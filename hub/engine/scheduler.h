#pragma once
// Scheduler: the loop. One thread that claims due deliveries from the store and hands them to the
// build workers (one per core); the exchange runs on the channel's I/O thread (sendsAsync) or a
// send worker (channels that block), which also finishes it. Everything else is delegated:
//   PartnerGate (partner_gate.h)      per-partner concurrency cap and circuit breaker, updated on
//                                     reload; decides how many the partner's coupling may take
//   the store's claim queries          per-case order, due times, the fallback channel queues
//   AttemptRunner (attempt_runner.h)  builds (once), prepares, sends, asks the fallback chain
//                                     (fallback_chain.h) and returns the result for the store
// Per loop: for every partner its gate allows, a claim on its coupling; for every partner whose
// circuit is open, at most once a second, a claim of what waits past its deadline (it moves on
// along the chain without an attempt); for every fallback channel with free capacity (all
// partners together), a claim of its due deliveries — all in one group commit. Results go to the
// store, which applies them before any claim submitted later (so a slot is free at once). Holds
// no state a restart needs: it resumes from the store.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "hub/core/time_source.h"
#include "hub/engine/attempt_runner.h"
#include "hub/engine/event_form_cache.h"
#include "hub/engine/partner_gate.h"
#include "hub/engine/runtime.h"
#include "hub/engine/worker_pool.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::engine {

class Scheduler {
 public:
  // random: the randomness for backoff jitter of the calling worker thread (default: one
  // std::mt19937_64 per thread).
  // workers: threads for exchanges that block (channels without sendsAsync()); build_workers:
  // threads that build products and finish attempts (0: one per core).
  Scheduler(RuntimeConstSharedPtr rt, Store& store, const TimeSource& clock, stats::Stats& stats,
            int workers, std::function<Random&()> random = {}, int build_workers = 0);
  ~Scheduler();
  void start();
  void stop();    // stops claiming, lets running attempts finish and commit
  void notify();  // new deliveries were committed
  // The XML form intake derived for a stored event (event_form_cache.h): its products are built
  // from it instead of from the body read back and converted again.
  void rememberEventForm(const std::string& message_id, std::shared_ptr<const std::string> xml);
  void setRuntime(RuntimeConstSharedPtr rt);
  // Several instances: the partners whose circuit another instance holds open, with until when
  // (Store::heldCircuits, read by the lease keeper once a second); every other partner is not
  // held. This scheduler makes no attempt to a held partner meanwhile (partner_gate.h).
  void holdCircuits(std::map<std::string, int64_t> held_until);

  struct PartnerSnapshot {
    int in_flight = 0;
    std::string circuit;  // closed | open | half_open
  };
  std::map<std::string, PartnerSnapshot> snapshot() const;

 private:
  enum class ClaimKind { kCoupling, kOverdue, kFallback };
  struct Claimed {
    ClaimKind kind;
    std::string key;  // partner code or fallback channel name
    Result<std::vector<DueDelivery>> deliveries;
  };
  void loop();
  bool dispatchAll(const RuntimeConstSharedPtr& rt, int64_t now);
  // The soonest next_at among deliveries the scheduler could claim now (wake-up time).
  Result<std::optional<int64_t>> nextDue(const RuntimeConstSharedPtr& rt);
  // One claimed delivery on a build worker: builds and prepares; the exchange runs on the
  // channel's I/O thread (sendsAsync) or a send worker; complete() ends it.
  void run(RuntimeConstSharedPtr rt, DueDelivery d, ClaimKind kind);
  void complete(ClaimKind kind, const std::string& key, AttemptReport rep);
  void releaseOffIoThread(RuntimeConstSharedPtr rt);
  PartnerGate& gate(const PartnerConfig& p);  // requires mu_
  void tellCaps(const RuntimeConstSharedPtr& rt);

  Store& store_;
  const TimeSource& clock_;
  stats::Stats& stats_;
  std::function<Random&()> random_;
  AttemptRunner runner_;
  EventFormCache forms_;
  mutable std::mutex mu_;  // guards rt_, gates_, fallback_in_flight_, held_, wake_, running_
  std::condition_variable cv_;
  RuntimeConstSharedPtr rt_;
  std::map<std::string, std::unique_ptr<PartnerGate>> gates_;  // by partner
  std::map<std::string, int> fallback_in_flight_;              // by fallback channel
  std::map<std::string, int64_t> held_;  // partner -> held by another instance until
  bool wake_ = false;
  bool running_ = false;
  std::thread thread_;
  // Attempts dispatched and not completed (stop() waits for them: an exchange in flight on an
  // I/O thread still finishes and reaches the store). Guarded by mu_.
  int attempts_running_ = 0;
  std::condition_variable attempts_cv_;
  WorkerPool pool_;        // send workers: exchanges that block ("kh-worker-N")
  WorkerPool build_pool_;  // build workers: build and prepare ("kh-build-N")
};

}  // namespace hub::engine
