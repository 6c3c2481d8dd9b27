#include "hub/engine/circuit_breaker.h"

#include <algorithm>

namespace hub::engine {

const char* circuitStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(const BreakerConfig& config, const TimeSource& clock)
    : config_(config), clock_(clock) {}

bool CircuitBreaker::allowRequest() {
  const int64_t now = clock_.nowMs();
  const int64_t open_for = std::max<int64_t>(0, config_.open_for.count());
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now - opened_at_ms_ < open_for) return false;
      state_ = State::kHalfOpen;
      probe_in_flight_ = true;
      probe_started_ms_ = now;
      return true;
    case State::kHalfOpen:
      if (probe_in_flight_ && now - probe_started_ms_ < open_for) return false;
      probe_in_flight_ = true;  // first probe, or the previous one never reported back
      probe_started_ms_ = now;
      return true;
  }
  return false;
}

void CircuitBreaker::onSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      consecutive_failures_ = 0;
      break;
    case State::kOpen:
      break;  // a straggler from before the circuit opened
    case State::kHalfOpen:
      state_ = State::kClosed;
      consecutive_failures_ = 0;
      probe_in_flight_ = false;
      break;
  }
}

void CircuitBreaker::onFailure() {
  const int64_t now = clock_.nowMs();
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      if (config_.failure_threshold <= 0) break;  // disabled
      if (consecutive_failures_ < config_.failure_threshold) ++consecutive_failures_;
      if (consecutive_failures_ >= config_.failure_threshold) openLocked(now);
      break;
    case State::kOpen:
      break;  // a straggler from before the circuit opened
    case State::kHalfOpen:
      openLocked(now);
      break;
  }
}

void CircuitBreaker::record(OutcomeKind kind) {
  if (kind == OutcomeKind::kRetryable) {
    onFailure();
  } else {
    onSuccess();
  }
}

void CircuitBreaker::openLocked(int64_t now_ms) {
  state_ = State::kOpen;
  opened_at_ms_ = now_ms;
  probe_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

const char* CircuitBreaker::stateName() const { return circuitStateName(state()); }

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const {
  const int64_t now = clock_.nowMs();
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot s;
  s.state = state_;
  s.consecutive_failures = consecutive_failures_;
  s.opened_at_ms = opened_at_ms_;
  s.probe_in_flight = state_ == State::kHalfOpen && probe_in_flight_;
  if (state_ == State::kOpen) {
    s.ms_until_probe = std::max<int64_t>(0, opened_at_ms_ + config_.open_for.count() - now);
  }
  return s;
}

}  // namespace hub::engine
