#include "hub/engine/outbox_relay.h"

#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::engine {

OutboxRelay::OutboxRelay(Store& store, Publisher& publisher, const TimeSource& clock)
    : store_(store), publisher_(publisher), clock_(clock) {}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] {
    nameThisThread("kh-outbox");
    loop();
  });
}

void OutboxRelay::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void OutboxRelay::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(kPollMs), [&] { return wake_ || !running_; });
      if (!running_) return;
      wake_ = false;
    }
    pass();
  }
}

void OutboxRelay::pass() {
  std::vector<int64_t> mark;
  {
    std::lock_guard<std::mutex> lock(mu_);
    mark.swap(accepted_);
  }
  if (!mark.empty()) {
    store_.submitOutboxSent(mark, clock_.nowMs(), [this, mark](Result<void> r) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!r) {
        // Not marked: publish again later (at-least-once).
        log::warn("outbox: marking messages sent failed", {{"reason", r.error().message}});
      }
      for (int64_t id : mark) on_the_way_.erase(id);
    });
  }
  auto entries = store_.outbox(kBatch);
  if (!entries) {
    log::warn("outbox: read failed", {{"reason", entries.error().message}});
    return;
  }
  for (auto& e : *entries) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!on_the_way_.insert(e.id).second) continue;
    }
    int64_t id = e.id;
    publisher_.publish(e.msg.address, "ketenhub-outbox-" + std::to_string(id),
                       std::move(e.msg.body), [this, id](bool accepted) {
                         std::lock_guard<std::mutex> lock(mu_);
                         if (accepted) {
                           accepted_.push_back(id);
                           wake_ = true;
                           cv_.notify_all();
                         } else {
                           on_the_way_.erase(id);
                         }
                       });
  }
}

}  // namespace hub::engine
