#pragma once
// A bounded LIFO pool of curl easy handles (each with its own connection cache), shared by the
// HTTPS and SMTP clients. acquire() hands out the most recently used handle (the warmest
// connection), makes a new one while fewer than `max` exist, and otherwise waits for one to be
// released. Thread-safe. H may be incomplete where the pool is declared; the owner's destructor
// must be defined where H is complete.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "hub/core/result.h"

namespace hub::curl {

template <class H>
class HandlePool {
 public:
  using Factory = std::function<Result<std::unique_ptr<H>>()>;

  HandlePool(int max, Factory factory) : max_(max), factory_(std::move(factory)) {}

  // A handle made at creation (so every option is checked at start-up), counted as created.
  void seed(std::unique_ptr<H> h) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(h));
    ++created_;
  }

  // nullptr when a new handle cannot be made (the factory failed).
  std::unique_ptr<H> acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || created_ < max_; });
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
    ++created_;
    lock.unlock();
    auto h = factory_();
    if (h) return std::move(*h);
    lock.lock();
    --created_;
    cv_.notify_one();
    return nullptr;
  }

  // Returns a handle; `connects` new connections were opened while it was out (statistics).
  void release(std::unique_ptr<H> h, int64_t connects = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(h));
    if (connects > 0) connections_ += static_cast<uint64_t>(connects);
    cv_.notify_one();
  }

  uint64_t connectionsOpened() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connections_;
  }

 private:
  const int max_;
  const Factory factory_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<H>> idle_;  // guarded by mu_
  int created_ = 0;                       // created and alive; guarded by mu_
  uint64_t connections_ = 0;              // guarded by mu_
};

}  // namespace hub::curl
