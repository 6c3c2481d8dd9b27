#pragma once
// An in-memory hub::Store for scheduler tests: claims hand out what the test queued (per
// partner, per overdue partner, per fallback channel); results are recorded and can be waited
// for. Callbacks run at once on the submitting thread.
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "hub/pipeline/store.h"

namespace hub::engine::testing {

class FakeStore final : public Store {
 public:
  void submitIntake(IntakeRecord, std::function<void(Result<IntakeStatus>)> done) override {
    done(IntakeStatus::kStored);
  }
  void submitResult(AttemptResult res, std::function<void(Result<void>)> done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      results.push_back(std::move(res));
    }
    cv_.notify_all();
    done(Result<void>());
  }
  void submitClaimDue(std::string partner, int64_t, int limit,
                      std::function<void(Result<std::vector<DueDelivery>>)> done) override {
    done(take(coupling[partner], limit, partner));
  }
  void submitClaimOverdue(std::string partner, int64_t, int limit,
                          std::function<void(Result<std::vector<DueDelivery>>)> done) override {
    done(take(overdue[partner], limit, ""));
  }
  void submitClaimFallback(std::string channel, int64_t, int limit,
                           std::function<void(Result<std::vector<DueDelivery>>)> done) override {
    done(take(fallback[channel], limit, ""));
  }
  void submitOutboxSent(std::vector<int64_t> ids, int64_t,
                        std::function<void(Result<void>)> done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int64_t id : ids) {
        sent_ids.push_back(id);
        std::erase_if(outbox_rows, [&](const OutboxEntry& e) { return e.id == id; });
      }
    }
    cv_.notify_all();
    done(Result<void>());
  }
  void submitReplay(std::vector<ReplayRequest>, int64_t, Actor,
                    std::function<void(Result<int64_t>)> done) override {
    done(int64_t{0});
  }
  void submitPause(std::string, bool, Actor, int64_t,
                   std::function<void(Result<void>)> done) override {
    done(Result<void>());
  }
  void submitReplayEvent(IntakeRecord, Actor,
                         std::function<void(Result<IntakeStatus>)> done) override {
    done(IntakeStatus::kStored);
  }
  Result<std::vector<DeliveryView>> listDeliveries(const DeliveryFilter&) override {
    return std::vector<DeliveryView>{};
  }
  Result<std::optional<DeliveryDetail>> delivery(const std::string&) override {
    return std::optional<DeliveryDetail>();
  }
  Result<std::vector<EventView>> listEvents(const EventFilter&) override {
    return std::vector<EventView>{};
  }
  Result<std::optional<EventView>> event(const std::string&, bool) override {
    return std::optional<EventView>();
  }
  void submitApproveProposal(int64_t, Actor, IntakeRecord,
                             std::function<void(Result<IntakeStatus>)> done) override {
    done(IntakeStatus::kStored);
  }
  void submitPropose(Proposal, Actor, std::function<void(Result<int64_t>)> done) override {
    done(int64_t{1});
  }
  Result<std::vector<Proposal>> proposals(const std::string&) override {
    return std::vector<Proposal>{};
  }
  Result<std::vector<PartnerActivity>> activity(int64_t) override {
    return std::vector<PartnerActivity>{};
  }
  Result<std::vector<std::string>> pausedPartners() override { return std::vector<std::string>{}; }
  bool writable() const override { return true; }
  Result<std::map<std::string, int64_t>> heldCircuits(int64_t) override {
    if (held_fails) return unexpected("store", "the database is down");
    return held;
  }
  void setCouplingCaps(std::map<std::string, int> c) override { caps = std::move(c); }
  void submitCircuit(std::string partner, std::string state, int64_t until, int64_t,
                     std::function<void(Result<void>)> done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      circuits.push_back(partner + ":" + state + "@" + std::to_string(until));
    }
    done({});
  }
  Result<std::vector<DueDelivery>> due(const std::string&, int64_t, int) override {
    return std::vector<DueDelivery>{};
  }
  Result<std::optional<int64_t>> nextDueAt() override { return std::optional<int64_t>(); }
  Result<std::vector<StateCount>> counts() override { return std::vector<StateCount>{}; }
  Result<std::string> eventBody(int64_t seq) override {
    auto it = bodies.find(seq);
    if (it == bodies.end())
      return unexpected("store", "no body for delivery " + std::to_string(seq));
    return it->second;
  }
  std::map<int64_t, std::string> bodies;  // eventBody() answers from here
  Result<std::vector<OutboxEntry>> outbox(int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<OutboxEntry> out(outbox_rows.begin(),
                                 outbox_rows.begin() + std::min<size_t>(limit, outbox_rows.size()));
    return out;
  }
  Result<std::vector<ChannelCount>> channelCounts() override { return std::vector<ChannelCount>{}; }

  void queue(std::vector<DueDelivery>& q, DueDelivery d) {
    std::lock_guard<std::mutex> lock(mu_);
    q.push_back(std::move(d));
  }
  // Waits (bounded) until n results were recorded; returns a copy of them.
  std::vector<AttemptResult> waitResults(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return results.size() >= n; });
    return results;
  }
  // Waits (bounded) until n outbox messages were marked sent; returns their ids.
  std::vector<int64_t> waitSent(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return sent_ids.size() >= n; });
    return sent_ids;
  }
  void addOutbox(OutboxEntry e) {
    std::lock_guard<std::mutex> lock(mu_);
    outbox_rows.push_back(std::move(e));
  }
  std::vector<OutboxEntry> outbox_rows;  // unsent
  std::vector<int64_t> sent_ids;
  std::map<std::string, std::vector<DueDelivery>> coupling, overdue, fallback;
  std::vector<AttemptResult> results;
  std::map<std::string, int> claimed;   // by partner: how many coupling claims were handed out
  std::map<std::string, int64_t> held;  // heldCircuits() answers this
  bool held_fails = false;
  std::map<std::string, int> caps;    // as told by setCouplingCaps
  std::vector<std::string> circuits;  // submitCircuit: "partner:state@until"

 private:
  std::vector<DueDelivery> take(std::vector<DueDelivery>& q, int limit, const std::string& p) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<DueDelivery> out;
    while (!q.empty() && static_cast<int>(out.size()) < limit) {
      out.push_back(std::move(q.front()));
      q.erase(q.begin());
    }
    if (!p.empty()) claimed[p] += static_cast<int>(out.size());
    return out;
  }
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace hub::engine::testing
