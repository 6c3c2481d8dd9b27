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
//   holdUntil(t) several instances: another instance's breaker holds the partner open or
//                half-open until t (0: no more). While held and this breaker is closed:
//                capacity() 0, circuitName() "open", overdueCheck() as when open. Only the
//                instance whose breaker opened probes.
// Every change of the circuit's state (closed, open, half_open) is logged as one JSON line
// ("circuit changed": partner, from, to) when it is noticed, in capacity() or finished(), and
// told to the listener (if any) with until when the other instances should hold the partner:
// open or half_open: now + the breaker's open period; closed: 0. The listener runs with the gate's
// lock held: it must only hand the change on (the store queues it).
#include <cstdint>
#include <functional>
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

  using Listener = std::function<void(const std::string& partner, CircuitBreaker::State to,
                                      int64_t hold_until_ms)>;
  PartnerGate(const PartnerConfig& cfg, const TimeSource& clock, Listener listener = {});
  void update(const PartnerConfig& cfg);

  int capacity();
  bool overdueCheck(int64_t now_ms);
  void started(int n);
  // Returns true when the scheduler should claim again (half the cap free, or not delivered).
  bool finished(OutcomeKind kind, bool sent);

  void holdUntil(int64_t until_ms);

  int inFlight() const;
  const char* circuitName() const;
  bool circuitClosed() const;

 private:
  void noteCircuit();  // logs a change of the breaker's state; mu_ held
  bool held() const;   // held by another instance and this breaker closed; mu_ held

  const TimeSource& clock_;
  const std::string partner_;
  const Listener listener_;
  mutable std::mutex mu_;
  int concurrency_;                          // guarded by mu_
  BreakerConfig breaker_cfg_;                // guarded by mu_
  std::unique_ptr<CircuitBreaker> breaker_;  // guarded by mu_ (itself thread-safe)
  int in_flight_ = 0;                        // guarded by mu_
  int64_t last_overdue_ms_ = 0;              // guarded by mu_
  CircuitBreaker::State circuit_;            // guarded by mu_: the state last logged
  int64_t hold_until_ms_ = 0;                // guarded by mu_
};

}  // namespace hub::engine
