#pragma once
// RetentionPurger: payload retention (retention.payload_days). One thread: a run at start, then
// one every interval. A run purges through the store writer in bounded batches
// (Store::submitPurgePayloads, which says what may go) until nothing more is due, and reports the
// counts in the log and the metrics (ketenhub_retention_purged_total{kind},
// ketenhub_retention_last_success_timestamp_seconds). A run that fails is logged as an error,
// counted (ketenhub_retention_failures_total) and tried again at the next interval; the store's
// other writes go on meanwhile.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "hub/core/time_source.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::engine {

class RetentionPurger {
 public:
  struct Options {
    std::function<int()> payload_days;  // read at every run (a reload changes it)
    std::chrono::milliseconds interval{std::chrono::hours(1)};
    int batch = 500;  // at most this many of each kind per store operation
  };
  // What the admin status shows.
  struct Status {
    int payload_days = 0;
    int64_t last_run_at = 0, last_success_at = 0, last_error_at = 0;  // unix ms; 0: never
    std::string last_error;  // of the last run; empty when it succeeded
    PurgeCounts last;        // what the last successful run purged
    int64_t failures = 0;    // runs that failed since start
  };

  RetentionPurger(Store& store, const TimeSource& clock, stats::Stats& stats, Options opts);
  ~RetentionPurger();
  void start();
  void stop();  // does not wait for a batch the store still holds
  // One run now, on the calling thread (the thread's body; for tests): the totals, or why it
  // failed.
  Result<PurgeCounts> runOnce();
  Status status() const;

 private:
  void loop();
  Result<PurgeCounts> batch(int64_t before_ms, int64_t now_ms);

  Store& store_;
  const TimeSource& clock_;
  stats::Stats& stats_;
  Options opts_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  bool running_ = false;
  bool stopping_ = false;  // stop() was called: a batch still waiting is not waited for
  Status status_;
  std::thread thread_;
};

}  // namespace hub::engine
