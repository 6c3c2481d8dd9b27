#pragma once
// Injected time and randomness: tests drive them by hand and never sleep for logic.
#include <chrono>
#include <cstdint>
#include <random>

namespace hub {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  // Wall clock, unix milliseconds (stored in the database, shown to operators).
  virtual int64_t nowMs() const = 0;
};

class SystemTimeSource final : public TimeSource {
 public:
  int64_t nowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class Random {
 public:
  virtual ~Random() = default;
  // Uniform in [0, bound] inclusive.
  virtual uint64_t uniform(uint64_t bound) = 0;
};

class StdRandom final : public Random {
 public:
  StdRandom() : gen_(std::random_device{}()) {}
  uint64_t uniform(uint64_t bound) override {
    return std::uniform_int_distribution<uint64_t>(0, bound)(gen_);
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace hub
