#pragma once
// OutboxRelay: publishes the store's outbox (status notifications, dead letters) with
// at-least-once semantics. One thread: every kPollMs (or when woken) it reads unpublished
// messages, oldest first, hands those not already on their way to the Publisher, and marks the
// accepted ones sent in the store. A message is marked sent only after the broker accepted it; a
// crash or a broker outage in between means it is published again (its AMQP message-id,
// "ketenhub-outbox-<id>", stays the same so consumers can drop the duplicate).
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "hub/core/time_source.h"
#include "hub/pipeline/publisher.h"
#include "hub/pipeline/store.h"

namespace hub::engine {

class OutboxRelay {
 public:
  static constexpr int64_t kPollMs = 200;
  static constexpr int kBatch = 256;

  OutboxRelay(Store& store, Publisher& publisher, const TimeSource& clock);
  ~OutboxRelay();
  void start();
  void stop();
  void notify();

 private:
  void loop();
  void pass();

  Store& store_;
  Publisher& publisher_;
  const TimeSource& clock_;
  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::set<int64_t> on_the_way_;   // published, outcome pending, or accepted but not yet marked
  std::vector<int64_t> accepted_;  // accepted, to be marked sent
  bool wake_ = false;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace hub::engine
