#pragma once
// LeaseKeeper: keeps this instance's claims alive when several instances share one store, and
// takes over those of instances that stopped. One thread:
//   - every lease/4: Store::submitRenewLeases (this instance's in-flight leases and heartbeat);
//   - every kTakeOverEveryMs (pipeline/store.h: the lease timing): Store::submitTakeOverExpired;
//   when it took any over, `on_taken_over` (the
//     scheduler's notify: they are claimable again);
//   - every second: Store::heldCircuits, the partners another instance's breaker holds open,
//     handed to `on_held` (the scheduler's holdCircuits). When it cannot be read, nothing is
//     handed on (the last holds stand until they end by themselves).
// At most one operation of each kind is outstanding: while the store cannot commit (the database
// is down) they are held by the store, not piled up. Renewal that fails for longer than a lease
// means other instances take this one's deliveries over; its late results are then recorded as
// attempts only (the store checks the lease).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "hub/core/time_source.h"
#include "hub/pipeline/store.h"

namespace hub::engine {

class LeaseKeeper {
 public:
  LeaseKeeper(Store& store, const TimeSource& clock, int64_t lease_ms,
              std::function<void()> on_taken_over,
              std::function<void(std::map<std::string, int64_t>)> on_held = {});
  ~LeaseKeeper();
  void start();
  void stop();
  // One round (the thread's body): renews when due, takes over when due. For tests.
  void tick(int64_t now_ms);

 private:
  struct Shared {  // outlives the keeper: the store calls back after stop() too
    std::atomic<bool> renewing{false}, taking_over{false};
  };
  Store& store_;
  const TimeSource& clock_;
  const int64_t lease_ms_;
  std::function<void()> on_taken_over_;
  std::function<void(std::map<std::string, int64_t>)> on_held_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  int64_t next_renew_ = 0, next_take_over_ = 0, next_held_ = 0;  // keeper thread only
  std::mutex mu_;                                                // guards stopping_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hub::engine
