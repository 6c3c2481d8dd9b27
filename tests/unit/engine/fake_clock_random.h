#pragma once
// Hand-driven clock and random source for engine unit tests (no sleeps).
#include <cstdint>
#include <deque>

#include "hub/core/time_source.h"

namespace hub::engine::testing {

class FakeClock final : public TimeSource {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_(now_ms) {}
  int64_t nowMs() const override { return now_; }
  void advance(int64_t ms) { now_ += ms; }

 private:
  int64_t now_;
};

// uniform(bound) returns bound * numerator / denominator: 0/1 = lowest, 1/1 = highest.
class FractionRandom final : public Random {
 public:
  FractionRandom(uint64_t numerator, uint64_t denominator) : num_(numerator), den_(denominator) {}
  uint64_t uniform(uint64_t bound) override {
    last_bound = bound;
    return static_cast<uint64_t>(static_cast<long double>(bound) * num_ / den_);
  }
  uint64_t last_bound = 0;

 private:
  uint64_t num_, den_;
};

}  // namespace hub::engine::testing
