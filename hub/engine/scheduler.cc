#include "hub/engine/scheduler.h"

#include <algorithm>

#include "hub/core/thread_name.h"
#include "hub/log/log.h"

namespace hub::engine {
namespace {

Random& threadRandom() {
  thread_local StdRandom rng;
  return rng;
}

constexpr int64_t kIdleWaitMs = 1000;
constexpr int kOverdueBatch = 256;
// The XML forms of newly stored events kept for the workers: ~200 events of a few kilobytes, the
// deliveries claimed while intake runs ahead; older ones are derived from the store again.
constexpr size_t kEventFormBytes = 1u << 20;
constexpr int64_t kEventFormAgeMs = 10 * 60 * 1000;
constexpr const char* kCircuitOpenReason = "deadline passed while the partner's circuit was open";

// Building is CPU work: one build worker per core unless configured.
int buildWorkers(int configured) {
  if (configured > 0) return configured;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

Scheduler::Scheduler(RuntimeConstSharedPtr rt, Store& store, const TimeSource& clock,
                     stats::Stats& stats, int workers, std::function<Random&()> random,
                     int build_workers)
    : store_(store),
      clock_(clock),
      stats_(stats),
      random_(random ? std::move(random) : std::function<Random&()>(threadRandom)),
      runner_(clock, stats, [&store](int64_t seq) { return store.eventBody(seq); }),
      forms_(kEventFormBytes, kEventFormAgeMs),
      rt_(std::move(rt)),
      pool_(workers, "kh-worker"),
      build_pool_(buildWorkers(build_workers), "kh-build") {}

Scheduler::~Scheduler() { stop(); }

// Each partner's cap for the store, which holds it over all instances sharing it.
void Scheduler::tellCaps(const RuntimeConstSharedPtr& rt) {
  std::map<std::string, int> caps;
  for (const auto& [code, p] : rt->cfg->partners) caps[code] = p.concurrency;
  store_.setCouplingCaps(std::move(caps));
}

void Scheduler::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  tellCaps(rt_);
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
  {
    // Nothing is dispatched any more: wait for the attempts under way (their exchanges end
    // within the coupling's timeouts) so each result reaches the store.
    std::unique_lock<std::mutex> lock(mu_);
    attempts_cv_.wait(lock, [&] { return attempts_running_ == 0; });
  }
  build_pool_.stop();
  pool_.stop();
}

void Scheduler::rememberEventForm(const std::string& message_id,
                                  std::shared_ptr<const std::string> xml) {
  forms_.put(message_id, std::move(xml), clock_.nowMs());
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
    for (const auto& [code, p] : rt->cfg->partners) gate(p).update(p);
    tellCaps(rt);
    rt_ = std::move(rt);
    wake_ = true;
  }
  cv_.notify_all();
}

PartnerGate& Scheduler::gate(const PartnerConfig& p) {
  auto& g = gates_[p.code];
  if (g) return *g;
  // Several instances: the others hold their attempts while this breaker is open or half-open
  // (the store shares the change; without leases it records nothing).
  auto share = [this](const std::string& partner, CircuitBreaker::State to, int64_t until) {
    store_.submitCircuit(partner, circuitStateName(to), until, clock_.nowMs(), [](Result<void> r) {
      if (!r) log::warn("could not share a circuit change", {{"reason", r.error().message}});
    });
  };
  g = std::make_unique<PartnerGate>(p, clock_, share);
  if (auto held = held_.find(p.code); held != held_.end()) g->holdUntil(held->second);
  return *g;
}

void Scheduler::holdCircuits(std::map<std::string, int64_t> held_until) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [code, g] : gates_) {
      auto it = held_until.find(code);
      g->holdUntil(it == held_until.end() ? 0 : it->second);
    }
    held_ = std::move(held_until);
    wake_ = true;  // a hold that ended frees the partner's capacity
  }
  cv_.notify_all();
}

std::map<std::string, Scheduler::PartnerSnapshot> Scheduler::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, PartnerSnapshot> out;
  for (const auto& [code, g] : gates_) out[code] = PartnerSnapshot{g->inFlight(), g->circuitName()};
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
    if (auto next = nextDue(rt); next && next->has_value())
      wait_ms = std::clamp<int64_t>(**next - clock_.nowMs(), 1, kIdleWaitMs);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return wake_ || !running_; });
  }
}

// Only what could be claimed now counts: a partner at its cap wakes the scheduler when an attempt
// ends, one whose circuit is open is looked at again within kIdleWaitMs (its half-open probe and
// its overdue check), as is a paused one (resumed: within a second).
Result<std::optional<int64_t>> Scheduler::nextDue(const RuntimeConstSharedPtr& rt) {
  std::vector<std::string> partners, channels;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [code, p] : rt->cfg->partners)
      if (gate(p).capacity() > 0) partners.push_back(code);
    for (const auto& [name, c] : rt->cfg->engine.channels)
      if (c.concurrency - fallback_in_flight_[name] > 0) channels.push_back(name);
  }
  return store_.nextDueFor(partners, channels);
}

bool Scheduler::dispatchAll(const RuntimeConstSharedPtr& rt, int64_t now) {
  // Every select-and-claim in one group commit: the claim (state in_flight) is committed before
  // any attempt starts. Shared with the store's callbacks: while the store cannot commit, a claim
  // is held (and retried) by the writer, and stop() must not wait for it.
  struct Pending {
    std::mutex m;
    std::condition_variable cv;
    std::vector<Claimed> results;
  };
  auto pending = std::make_shared<Pending>();
  size_t expected = 0;
  auto collect = [&](ClaimKind kind, const std::string& key) {
    ++expected;
    return [pending, kind, key](Result<std::vector<DueDelivery>> r) {
      std::lock_guard<std::mutex> lock(pending->m);
      pending->results.push_back(Claimed{kind, key, std::move(r)});
      pending->cv.notify_one();
    };
  };
  std::vector<std::pair<std::string, int>> couplings, fallbacks;
  std::vector<std::string> overdue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [code, p] : rt->cfg->partners) {
      PartnerGate& g = gate(p);
      if (int capacity = g.capacity(); capacity > 0) couplings.emplace_back(code, capacity);
      if (g.overdueCheck(now)) overdue.push_back(code);
    }
    for (const auto& [name, c] : rt->cfg->engine.channels) {
      int capacity = c.concurrency - fallback_in_flight_[name];
      if (capacity > 0) fallbacks.emplace_back(name, capacity);
    }
  }
  for (const auto& [code, capacity] : couplings)
    store_.submitClaimDue(code, now, capacity, collect(ClaimKind::kCoupling, code));
  for (const auto& code : overdue)
    store_.submitClaimOverdue(code, now, kOverdueBatch, collect(ClaimKind::kOverdue, code));
  for (const auto& [name, capacity] : fallbacks)
    store_.submitClaimFallback(name, now, capacity, collect(ClaimKind::kFallback, name));
  std::vector<Claimed> results;
  {
    std::unique_lock<std::mutex> lock(pending->m);
    while (pending->results.size() < expected) {
      pending->cv.wait_for(lock, std::chrono::milliseconds(100));
      std::lock_guard<std::mutex> running_lock(mu_);
      // Stopping: claims committed later stay in_flight and return at the next start.
      if (!running_) return false;
    }
    results = std::move(pending->results);
  }
  bool dispatched = false;
  for (auto& c : results) {
    if (!c.deliveries) {
      log::error("claiming deliveries failed",
                 {{"key", c.key}, {"reason", c.deliveries.error().message}});
      continue;
    }
    if (c.deliveries->empty()) continue;
    int n = static_cast<int>(c.deliveries->size());
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (c.kind == ClaimKind::kCoupling) {
        if (auto it = gates_.find(c.key); it != gates_.end()) it->second->started(n);
      } else if (c.kind == ClaimKind::kFallback) {
        fallback_in_flight_[c.key] += n;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      attempts_running_ += n;
    }
    for (auto& d : *c.deliveries)
      build_pool_.post(
          [this, rt, kind = c.kind, d = std::move(d)]() mutable { run(rt, std::move(d), kind); });
    dispatched = true;
  }
  return dispatched;
}

void Scheduler::run(RuntimeConstSharedPtr rt, DueDelivery d, ClaimKind kind) {
  std::string key = kind == ClaimKind::kFallback ? d.channel : d.partner;
  if (kind != ClaimKind::kOverdue && d.signed_product.empty() && d.event_xml.empty()) {
    if (auto form = forms_.get(d.message_id, clock_.nowMs())) d.event_xml = *form;
  }
  auto a = std::make_shared<PreparedAttempt>(
      runner_.begin(*rt, std::move(d), kind == ClaimKind::kOverdue ? kCircuitOpenReason : ""));
  if (!a->ch) {  // decided without an exchange
    Outcome decided = *a->outcome;
    complete(kind, key, runner_.finish(*rt, std::move(*a), std::move(decided), random_()));
    return;
  }
  if (!a->ch->sendsAsync()) {  // the exchange blocks: a send worker waits for it, not a core
    pool_.post([this, rt = std::move(rt), kind, key, a] {
      Outcome outcome = a->ch->send(a->in, a->msg);
      complete(kind, key, runner_.finish(*rt, std::move(*a), std::move(outcome), random_()));
    });
    return;
  }
  Channel* ch = a->ch;
  WireMessage msg = std::move(a->msg);
  ch->sendAsync(a->in, std::move(msg), [this, rt, kind, key, a](Outcome outcome) mutable {
    // On the channel's I/O thread: finishing only classifies and decides, so it runs here (no
    // hand-off to a build worker, the partner's slot is free at once).
    AttemptReport rep = runner_.finish(*rt, std::move(*a), std::move(outcome), random_());
    releaseOffIoThread(std::move(rt));
    complete(kind, key, std::move(rep));
  });
}

// The runtime owns its channels and their I/O threads: an attempt finished on such a thread must
// not drop the last hold on it there. The current runtime is also held by rt_, which changes only
// under mu_, so dropping a hold on it under mu_ is never the last; an older one (replaced by a
// reload meanwhile) is dropped on a build worker.
void Scheduler::releaseOffIoThread(RuntimeConstSharedPtr rt) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (rt == rt_) {
      rt.reset();
      return;
    }
  }
  build_pool_.post([rt = std::move(rt)] {});
}

void Scheduler::complete(ClaimKind kind, const std::string& key, AttemptReport rep) {
  std::string partner = key;
  store_.submitResult(std::move(rep.result), [partner](Result<void> r) {
    if (!r)
      log::error(
          "store could not record an attempt result; the delivery stays in_flight "
          "until restart recovery",
          {{"key", partner}, {"reason", r.error().message}});
  });
  // The slot is free as soon as the exchange is over and its result is queued: the store applies
  // operations in order, so any claim submitted from here on sees this result (the next delivery
  // of the case waits for it; a retry is not claimed before its next_at).
  bool wake = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind == ClaimKind::kCoupling) {
      if (auto it = gates_.find(key); it != gates_.end())
        wake = it->second->finished(rep.kind, rep.sent);
    } else if (kind == ClaimKind::kFallback) {
      --fallback_in_flight_[key];
    }
    if (wake) wake_ = true;
    --attempts_running_;
  }
  if (wake) cv_.notify_all();
  attempts_cv_.notify_all();
}

}  // namespace hub::engine
