#include "hub/engine/retention_purger.h"

#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/core/time_format.h"
#include "hub/log/log.h"

namespace hub::engine {
namespace {
constexpr int64_t kDayMs = 86'400'000;
constexpr int kMaxBatchesPerRun = 1000;  // a backlog larger than this goes on at the next run
constexpr const char* kPurged = "ketenhub_retention_purged_total";
constexpr const char* kFailures = "ketenhub_retention_failures_total";
}  // namespace

RetentionPurger::RetentionPurger(Store& store, const TimeSource& clock, stats::Stats& stats,
                                 Options opts)
    : store_(store), clock_(clock), stats_(stats), opts_(std::move(opts)) {
  // Every series from the start, at 0 (an alert on an increase needs the series to exist).
  for (const char* kind : {"event_body", "proposal_bodies", "product", "outbox"})
    stats_.addCounter(kPurged, stats::labels({{"kind", kind}}), 0);
  stats_.addCounter(kFailures, "", 0);
}

RetentionPurger::~RetentionPurger() { stop(); }

void RetentionPurger::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] {
    nameThisThread("kh-retention");
    loop();
  });
}

void RetentionPurger::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

RetentionPurger::Status RetentionPurger::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void RetentionPurger::loop() {
  for (;;) {
    (void)runOnce();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, opts_.interval, [&] { return !running_; });
    if (!running_) return;
  }
}

// One batch through the store writer. Waits in slices so that stop() is not held up by a store
// that keeps its group commit (a full disk): the answer then arrives to nobody.
Result<PurgeCounts> RetentionPurger::batch(int64_t before_ms, int64_t now_ms) {
  auto p = std::make_shared<std::promise<Result<PurgeCounts>>>();
  auto f = p->get_future();
  store_.submitPurgePayloads(before_ms, now_ms, opts_.batch,
                             [p](Result<PurgeCounts> r) { p->set_value(std::move(r)); });
  for (;;) {
    if (f.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready) return f.get();
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return unexpected(errc::kStore, "stopping before the store committed the purge");
  }
}

Result<PurgeCounts> RetentionPurger::runOnce() {
  int days = opts_.payload_days ? opts_.payload_days() : 30;
  int64_t now = clock_.nowMs();
  int64_t before = now - static_cast<int64_t>(days) * kDayMs;
  PurgeCounts total;
  std::optional<Error> failed;
  for (int i = 0; i < kMaxBatchesPerRun; ++i) {
    auto r = batch(before, now);
    if (!r) {
      failed = r.error();
      break;
    }
    total.events += r->events;
    total.proposals += r->proposals;
    total.products += r->products;
    total.outbox += r->outbox;
    // Counted as each batch commits: a later failure does not undo them.
    const std::pair<const char*, int64_t> kinds[] = {{"event_body", r->events},
                                                     {"proposal_bodies", r->proposals},
                                                     {"product", r->products},
                                                     {"outbox", r->outbox}};
    for (const auto& [kind, n] : kinds)
      stats_.addCounter(kPurged, stats::labels({{"kind", kind}}), static_cast<uint64_t>(n));
    total.more = r->more;
    if (!r->more) break;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  status_.payload_days = days;
  status_.last_run_at = now;
  if (failed) {
    ++status_.failures;
    status_.last_error = failed->message;
    status_.last_error_at = now;
    stats_.addCounter(kFailures, "", 1);
    log::error("payload retention: purge failed; tried again at the next run",
               {{"reason", failed->message},
                {"payload_days", days},
                {"events", total.events},
                {"proposals", total.proposals},
                {"products", total.products},
                {"outbox", total.outbox}});
    return unexpected(*failed);
  }
  status_.last_error.clear();
  status_.last_success_at = now;
  status_.last = total;
  stats_.setGauge("ketenhub_retention_last_success_timestamp_seconds", "",
                  static_cast<double>(now / 1000));
  log::info("payload retention: purged", {{"payload_days", days},
                                          {"before", formatRfc3339Utc(before)},
                                          {"events", total.events},
                                          {"proposals", total.proposals},
                                          {"products", total.products},
                                          {"outbox", total.outbox},
                                          {"more", total.more ? "yes" : "no"}});
  return total;
}

}  // namespace hub::engine
