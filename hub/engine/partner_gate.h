#pragma once
// PartnerGate: how many new attempts one partner's coupling may take now — its concurrency cap and
// its circuit breaker together. Thread-safe (guarded by mu_); the scheduler asks before claiming,
// workers report when an attempt ends. Pure apart from the injected clock.
//
//   capacity()   closed circuit: cap - in flight (0 when full)
//                open circuit:   0, or 1 for the half-open probe when nothing is in flight
//   overdueCheck() open circuit: true at most once per kOverdueEvery: the scheduler then moves
//                deliveries whose deadline passed along their chain without an attempt
//   started(n) / finished(kind, sent)   in-flight bookkeeping; only a partner that did not
//                answer usefully (a transient error of an attempt that went out) counts against
//                the circuit
//   update(cfg)  on reload: new cap; a new breaker when its settings changed
// Every change of the circuit's state (closed, open, half_open) is logged as one JSON line
// ("circuit changed": partner, from, to) when it is noticed, in capacity() or finished().
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "hub/config/config.h"
#include "hub/core/outcome.h"
#include "hub/core/time_source.h"
#include "hub/engine/circuit_breaker.h"

namespace hub::engine {

class PartnerGate {
 public:
  static constexpr int64_t kOverdueEveryMs = 1000;

  PartnerGate(const PartnerConfig& cfg, const TimeSource& clock);
  void update(const PartnerConfig& cfg);

  int capacity();
  bool overdueCheck(int64_t now_ms);
  void started(int n);
  // Returns true when the scheduler should claim again (half the cap free, or not delivered).
  bool finished(OutcomeKind kind, bool sent);

  int inFlight() const;
  const char* circuitName() const;
  bool circuitClosed() const;

 private:
  void noteCircuit();  // logs a change of the breaker's state; mu_ held

  const TimeSource& clock_;
  const std::string partner_;
  mutable std::mutex mu_;
  int concurrency_;                          // guarded by mu_
  BreakerConfig breaker_cfg_;                // guarded by mu_
  std::unique_ptr<CircuitBreaker> breaker_;  // guarded by mu_ (itself thread-safe)
  int in_flight_ = 0;                        // guarded by mu_
  int64_t last_overdue_ms_ = 0;              // guarded by mu_
  CircuitBreaker::State circuit_;            // guarded by mu_: the state last logged
};

}  // namespace hub::engine
