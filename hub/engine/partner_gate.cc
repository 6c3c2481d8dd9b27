#include "hub/engine/partner_gate.h"

#include "hub/log/log.h"

namespace hub::engine {

PartnerGate::PartnerGate(const PartnerConfig& cfg, const TimeSource& clock, Listener listener)
    : clock_(clock),
      partner_(cfg.code),
      listener_(std::move(listener)),
      concurrency_(cfg.concurrency),
      breaker_cfg_(cfg.breaker),
      breaker_(std::make_unique<CircuitBreaker>(cfg.breaker, clock)),
      circuit_(breaker_->state()) {}

void PartnerGate::noteCircuit() {
  const CircuitBreaker::State now = breaker_->state();
  if (now == circuit_) return;
  const bool closed = now == CircuitBreaker::State::kClosed;
  log::write(
      closed ? log::Level::kInfo : log::Level::kWarn, "circuit changed",
      {{"partner", partner_}, {"from", circuitStateName(circuit_)}, {"to", circuitStateName(now)}});
  circuit_ = now;
  if (listener_)
    listener_(partner_, now, closed ? 0 : clock_.nowMs() + breaker_cfg_.open_for.count());
}

bool PartnerGate::held() const {
  return hold_until_ms_ > clock_.nowMs() && breaker_->state() == CircuitBreaker::State::kClosed;
}

void PartnerGate::holdUntil(int64_t until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  hold_until_ms_ = until_ms;
}

void PartnerGate::update(const PartnerConfig& cfg) {
  std::lock_guard<std::mutex> lock(mu_);
  concurrency_ = cfg.concurrency;
  if (cfg.breaker.failure_threshold != breaker_cfg_.failure_threshold ||
      cfg.breaker.open_for != breaker_cfg_.open_for) {
    breaker_cfg_ = cfg.breaker;
    breaker_ = std::make_unique<CircuitBreaker>(cfg.breaker, clock_);
  }
}

int PartnerGate::capacity() {
  std::lock_guard<std::mutex> lock(mu_);
  int capacity = concurrency_ - in_flight_;
  if (capacity <= 0 || held()) return 0;
  if (breaker_->state() == CircuitBreaker::State::kClosed) return capacity;
  // Open: only a half-open probe goes out, one at a time.
  const bool probe = in_flight_ == 0 && breaker_->allowRequest();
  noteCircuit();
  return probe ? 1 : 0;
}

bool PartnerGate::overdueCheck(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (breaker_->state() == CircuitBreaker::State::kClosed && !held()) return false;
  if (now_ms - last_overdue_ms_ < kOverdueEveryMs) return false;
  last_overdue_ms_ = now_ms;
  return true;
}

void PartnerGate::started(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_ += n;
}

bool PartnerGate::finished(OutcomeKind kind, bool sent) {
  std::lock_guard<std::mutex> lock(mu_);
  --in_flight_;
  if (sent) breaker_->record(kind);
  noteCircuit();
  // Claim in batches: wake the scheduler when half the capacity is free, not on every completion
  // (each claim is a commit).
  return !(in_flight_ * 2 > concurrency_ && kind == OutcomeKind::kDelivered);
}

int PartnerGate::inFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

const char* PartnerGate::circuitName() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held() ? "open" : breaker_->stateName();
}

bool PartnerGate::circuitClosed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return breaker_->state() == CircuitBreaker::State::kClosed && !held();
}

}  // namespace hub::engine
