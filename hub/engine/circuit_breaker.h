#pragma once
// Per-partner circuit breaker: stops hammering a partner that is down without blocking
// other partners.
//
//   closed    --N consecutive failures-->  open
//   open      --open_for elapsed, next allowRequest()-->  half_open (that call is the probe)
//   half_open --probe succeeds-->  closed        --probe fails-->  open (timer restarts)
//
// * Only transient failures count (the engine calls onFailure() for OutcomeKind::kRetryable:
//   connection/TLS errors, timeouts, 408/425/429/5xx). A permanent error (other 4xx) or a
//   delivery proves the partner is up and answering, so it counts as success: record() maps
//   kDelivered and kPermanent to onSuccess(). A bad message must never trip the circuit for
//   every other message to that partner.
// * One probe at a time in half_open. A probe whose result never arrives (granted but not sent,
//   worker lost) expires after open_for, after which allowRequest() grants a new probe, so the
//   breaker can never get stuck half-open.
// * In open, results of requests that started before the circuit opened are ignored (they say
//   nothing new); the open timer is not extended by them.
// * failure_threshold <= 0 disables the breaker (it stays closed).
// Thread-safety: every method may be called from any thread; state is guarded by mu_.
#include <cstdint>
#include <mutex>

#include "hub/config/config.h"
#include "hub/core/outcome.h"
#include "hub/core/time_source.h"

namespace hub::engine {

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  struct Snapshot {
    State state = State::kClosed;
    int consecutive_failures = 0;
    int64_t opened_at_ms = 0;      // when it last opened (0 if never)
    int64_t ms_until_probe = 0;    // open only: time left before a half-open probe is allowed
    bool probe_in_flight = false;  // half_open only
  };

  CircuitBreaker(const BreakerConfig& config, const TimeSource& clock);

  // May a request go out now? closed: yes. open: no, until open_for has elapsed, then it turns
  // half_open and grants this call the probe. half_open: only if no probe is in flight.
  bool allowRequest();

  void onSuccess();               // the partner answered (delivered or permanent error)
  void onFailure();               // transient failure: partner down, slow or overloaded
  void record(OutcomeKind kind);  // kRetryable -> onFailure(), otherwise onSuccess()

  // Current state, as last transitioned (open does not turn half_open until allowRequest()).
  State state() const;
  const char* stateName() const;
  Snapshot snapshot() const;

 private:
  void openLocked(int64_t now_ms);  // requires mu_

  const BreakerConfig config_;
  const TimeSource& clock_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;  // guarded by mu_
  int consecutive_failures_ = 0;  // guarded by mu_
  int64_t opened_at_ms_ = 0;      // guarded by mu_
  bool probe_in_flight_ = false;  // guarded by mu_
  int64_t probe_started_ms_ = 0;  // guarded by mu_
};

// "closed", "open", "half_open" (as in /api/v1/status and the ketenhub_circuit_open metric).
const char* circuitStateName(CircuitBreaker::State state);

}  // namespace hub::engine
