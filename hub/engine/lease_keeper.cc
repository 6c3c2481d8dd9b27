#include "hub/engine/lease_keeper.h"

#include <chrono>

#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::engine {
namespace {
constexpr int kTakeOverBatch = 256;
constexpr int64_t kHeldEveryMs = 1000;
}  // namespace

LeaseKeeper::LeaseKeeper(Store& store, const TimeSource& clock, int64_t lease_ms,
                         std::function<void()> on_taken_over,
                         std::function<void(std::map<std::string, int64_t>)> on_held)
    : store_(store),
      clock_(clock),
      lease_ms_(lease_ms),
      on_taken_over_(std::move(on_taken_over)),
      on_held_(std::move(on_held)) {}

LeaseKeeper::~LeaseKeeper() { stop(); }

void LeaseKeeper::start() {
  thread_ = std::thread([this] {
    nameThisThread("kh-leases");
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      tick(clock_.nowMs());
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
    }
  });
}

void LeaseKeeper::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::tick(int64_t now_ms) {
  if (now_ms >= next_renew_ && !shared_->renewing.exchange(true)) {
    next_renew_ = now_ms + lease_ms_ / 4;
    store_.submitRenewLeases(now_ms, [s = shared_](Result<int64_t> r) {
      if (!r) log::warn("lease renewal failed", {{"reason", r.error().message}});
      s->renewing = false;
    });
  }
  if (now_ms >= next_take_over_ && !shared_->taking_over.exchange(true)) {
    next_take_over_ = now_ms + kTakeOverEveryMs;
    store_.submitTakeOverExpired(
        now_ms, kTakeOverBatch, [s = shared_, notify = on_taken_over_](Result<int64_t> r) {
          if (!r) log::warn("lease takeover failed", {{"reason", r.error().message}});
          s->taking_over = false;
          if (r && *r > 0 && notify) notify();
        });
  }
  if (on_held_ && now_ms >= next_held_) {
    next_held_ = now_ms + kHeldEveryMs;
    if (auto held = store_.heldCircuits(now_ms); held)
      on_held_(std::move(*held));
    else
      log::warn("reading the partners held by other instances failed",
                {{"reason", held.error().message}});
  }
}

}  // namespace hub::engine
