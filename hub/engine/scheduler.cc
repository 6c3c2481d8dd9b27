#include "hub/engine/scheduler.h"

#include <algorithm>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/core/time_format.h"
#include "hub/engine/intake_processor.h"
#include "hub/engine/product_builder.h"
#include "hub/engine/retry_decision.h"
#include "hub/log/log.h"

namespace hub::engine {
namespace {

// The product for one claimed delivery: the event's XML form derived from the stored body (as
// intake derived it), mapped, validated and signed.
Result<BuiltProduct> buildFor(const Runtime& rt, DueDelivery& d, int64_t started_ms) {
  auto event_xml = !d.event_xml.empty()
                       ? Result<std::string>(std::move(d.event_xml))
                       : eventXmlForm(d.content_type, d.body, rt.cfg->intake.max_json_depth);
  if (!event_xml) return unexpected(event_xml.error());
  ProductInput in{std::move(*event_xml),
                  d.message_id,
                  d.case_id,
                  d.event_type,
                  d.actor,
                  d.delivery_id,
                  d.partner,
                  d.product,
                  formatRfc3339Utc(started_ms)};
  return buildProduct(rt, in, false);
}

const DeliveryRule* findRule(const Runtime& rt, const std::string& event_type,
                             const std::string& partner, const std::string& product) {
  const Route* route = rt.cfg->findRoute(event_type);
  if (!route) return nullptr;
  for (const auto& r : route->deliveries)
    if (r.partner == partner && r.product == product) return &r;
  return nullptr;
}

Random& threadRandom() {
  thread_local StdRandom rng;
  return rng;
}

constexpr int64_t kIdleWaitMs = 1000;
constexpr int64_t kExpireEveryMs = 1000;

}  // namespace

Scheduler::Scheduler(RuntimeConstSharedPtr rt, Store& store, const TimeSource& clock,
                     stats::Stats& stats, int workers)
    : store_(store), clock_(clock), stats_(stats), rt_(std::move(rt)), pool_(workers) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] {
    nameThisThread("kh-scheduler");
    loop();
  });
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    wake_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  pool_.stop();
}

void Scheduler::notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Scheduler::setRuntime(RuntimeConstSharedPtr rt) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rt_ = std::move(rt);
    wake_ = true;
  }
  cv_.notify_all();
}

Scheduler::PartnerState& Scheduler::partnerState(const PartnerConfig& p) {
  auto& ps = partners_[p.code];
  if (!ps.breaker) ps.breaker = std::make_unique<CircuitBreaker>(p.breaker, clock_);
  return ps;
}

std::map<std::string, Scheduler::PartnerSnapshot> Scheduler::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, PartnerSnapshot> out;
  for (const auto& [code, ps] : partners_)
    out[code] = PartnerSnapshot{ps.in_flight, ps.breaker ? ps.breaker->stateName() : "closed"};
  return out;
}

void Scheduler::loop() {
  for (;;) {
    RuntimeConstSharedPtr rt;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!running_) return;
      rt = rt_;
      wake_ = false;
    }
    int64_t now = clock_.nowMs();
    if (dispatchAll(rt, now)) continue;
    int64_t wait_ms = kIdleWaitMs;
    if (auto next = store_.nextDueAt(); next && next->has_value())
      wait_ms = std::clamp<int64_t>(**next - clock_.nowMs(), 1, kIdleWaitMs);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return wake_ || !running_; });
  }
}

int Scheduler::capacityFor(const PartnerConfig& p, int64_t now) {
  bool open = false;
  int capacity;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& ps = partnerState(p);
    capacity = p.concurrency - ps.in_flight;
    if (capacity <= 0) return 0;
    if (ps.breaker->state() != CircuitBreaker::State::kClosed) {
      // Open: only a half-open probe goes out, one at a time.
      if (ps.in_flight > 0 || !ps.breaker->allowRequest())
        open = true;
      else
        capacity = 1;
    }
    if (open) {
      if (now - ps.last_expire_ms < kExpireEveryMs) return 0;
      ps.last_expire_ms = now;
    }
  }
  if (open) {
    // While the circuit is open, deliveries whose deadline passed still end visibly.
    store_.submitExpire(p.code, now, "deadline passed while the partner's circuit was open",
                        [](Result<int64_t>) {});
    return 0;
  }
  return capacity;
}

bool Scheduler::dispatchAll(const RuntimeConstSharedPtr& rt, int64_t now) {
  // One select-and-claim per partner with free capacity, all in one group commit: the claim
  // (state in_flight) is committed before any attempt starts.
  // Shared with the store's callbacks: while the store cannot commit, a claim is held (and
  // retried) by the writer, and stop() must not wait for it.
  struct Pending {
    std::mutex m;
    std::condition_variable cv;
    std::vector<std::pair<std::string, Result<std::vector<DueDelivery>>>> results;
  };
  auto pending = std::make_shared<Pending>();
  size_t expected = 0;
  for (const auto& [code, p] : rt->cfg->partners) {
    int capacity = capacityFor(p, now);
    if (capacity <= 0) continue;
    ++expected;
    store_.submitClaimDue(code, now, capacity,
                          [pending, code = code](Result<std::vector<DueDelivery>> r) {
                            std::lock_guard<std::mutex> lock(pending->m);
                            pending->results.emplace_back(code, std::move(r));
                            pending->cv.notify_one();
                          });
  }
  std::vector<std::pair<std::string, Result<std::vector<DueDelivery>>>> results;
  {
    std::unique_lock<std::mutex> lock(pending->m);
    while (pending->results.size() < expected) {
      pending->cv.wait_for(lock, std::chrono::milliseconds(100));
      std::lock_guard<std::mutex> running_lock(mu_);
      // Stopping: claims committed later stay in_flight and return to pending at the next start.
      if (!running_) return false;
    }
    results = std::move(pending->results);
  }
  bool dispatched = false;
  for (auto& [code, claimed] : results) {
    if (!claimed) {
      log::error("claiming deliveries failed",
                 {{"partner", code}, {"reason", claimed.error().message}});
      continue;
    }
    if (claimed->empty()) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      partners_[code].in_flight += static_cast<int>(claimed->size());
    }
    for (auto& d : *claimed)
      pool_.post([this, rt, d = std::move(d)]() mutable { runAttempt(rt, std::move(d)); });
    dispatched = true;
  }
  return dispatched;
}

void Scheduler::runAttempt(RuntimeConstSharedPtr rt, DueDelivery d) {
  int64_t started = clock_.nowMs();
  const auto pit = rt->cfg->partners.find(d.partner);
  const DeliveryRule* rule = findRule(*rt, d.event_type, d.partner, d.product);
  Outcome outcome;
  bool sent = false;
  std::string channel;
  if (pit == rt->cfg->partners.end() || !rule) {
    outcome =
        Outcome::permanent("route for " + d.partner + "/" + d.product + " is no longer configured");
  } else {
    channel = pit->second.adapter;
    auto built = buildFor(*rt, d, started);
    auto ait = rt->adapters.find(d.partner);
    if (!built) {
      outcome = Outcome::permanent(built.error().code + ": " + built.error().message);
    } else if (ait == rt->adapters.end()) {
      outcome = Outcome::permanent("no adapter for partner " + d.partner);
    } else {
      DeliveryRequest req{d.delivery_id,
                          d.message_id,
                          d.case_id,
                          d.event_type,
                          d.partner,
                          d.product,
                          std::move(built->signed_xml)};
      outcome = ait->second->deliver(req);
      sent = true;
    }
  }
  int64_t finished_at = clock_.nowMs();
  DeliveryRule fallback_rule;
  Decision dec = decideAfterAttempt(outcome, d.attempts + 1, finished_at, d.deadline_at,
                                    rule ? *rule : fallback_rule, threadRandom());
  AttemptResult res;
  res.seq = d.seq;
  res.attempt = d.attempts + 1;
  res.started_at = started;
  res.finished_at = finished_at;
  res.outcome = outcomeName(outcome.kind);
  res.http_status = outcome.http_status;
  res.reason = dec.reason;
  res.new_state = dec.state;
  res.next_at = dec.next_at;
  res.channel = channel;
  if (outcome.kind == OutcomeKind::kDelivered) res.receipt = outcome.receipt.substr(0, 4096);
  if (sent) stats_.attemptSeconds(d.partner, channel, (finished_at - started) / 1000.0);
  stats_.deliveryOutcome(d.partner, channel, outcomeName(outcome.kind));
  if (dec.state == DeliveryState::kDead) stats_.deliveryOutcome(d.partner, channel, "dead");
  if (isFinal(dec.state))
    stats_.deliveryLatencySeconds(d.partner, (finished_at - d.received_at) / 1000.0);
  if (dec.state == DeliveryState::kDead)
    log::warn("delivery dead", {{"delivery_id", d.delivery_id},
                                {"partner", d.partner},
                                {"product", d.product},
                                {"reason", dec.reason}});
  std::string partner = d.partner;
  OutcomeKind kind = outcome.kind;
  store_.submitResult(std::move(res), [partner](Result<void> r) {
    if (!r)
      log::error(
          "store could not record an attempt result; the delivery stays in_flight "
          "until restart recovery",
          {{"partner", partner}, {"reason", r.error().message}});
  });
  // The partner's slot is free as soon as the exchange is over and its result is queued: the store
  // applies operations in order, so any claim submitted from here on is applied after this result
  // and sees its state (the next delivery of the case waits for it; a retry is not claimed before
  // its next_at). Waiting for the commit as well left slots idle for a linger and an fsync.
  finished(partner, kind, sent);
}

void Scheduler::finished(const std::string& partner, OutcomeKind kind, bool sent) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = partners_.find(partner);
    if (it == partners_.end()) return;
    {
      --it->second.in_flight;
      if (sent && it->second.breaker) {
        // Only a partner that did not answer usefully counts against the circuit.
        if (kind == OutcomeKind::kRetryable)
          it->second.breaker->onFailure();
        else
          it->second.breaker->onSuccess();
      }
    }
    // Claim in batches: wake the scheduler when half the partner's capacity is free, not on
    // every completion (each claim is a commit).
    auto cap = rt_->cfg->partners.find(partner);
    int limit = cap == rt_->cfg->partners.end() ? 1 : cap->second.concurrency;
    if (it->second.in_flight * 2 > limit && kind == OutcomeKind::kDelivered) return;
    wake_ = true;
  }
  cv_.notify_all();
}

}  // namespace hub::engine
