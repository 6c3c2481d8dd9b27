#pragma once
// The store: the spine of the hub. Every state change is committed before it is acted on, and
// its audit records (hub/pipeline/audit.h) are written before that commit: what the trail does
// not hold did not happen. (A record can appear twice when a commit failed after its records
// were written and the batch was retried; it is never missing.)
// Writes go through submit*() and are group-committed by one writer thread; callbacks run on
// the writer thread after the commit (keep them short). Reads are for the scheduler thread.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/delivery_state.h"
#include "hub/core/envelope.h"
#include "hub/core/result.h"
#include "hub/pipeline/audit.h"

namespace hub {

// Leases (several instances on one store), the timing that makes "a dead instance's deliveries
// are taken over within lease_seconds" hold: a claim or renewal at `now` holds until
// now + leaseHorizonMs(lease); the holder renews every lease / 4 (so at least 1.25 s before a
// 3 s lease would end), and every instance looks for ended leases every kTakeOverEveryMs (well
// inside the margin of up to 1 s between the horizon and the lease).
constexpr int64_t kTakeOverEveryMs = 500;
constexpr int64_t leaseHorizonMs(int64_t lease_ms) {
  return lease_ms - (lease_ms / 3 < 1000 ? lease_ms / 3 : 1000);
}

// A delivery of the same case by an earlier event (a route's `delivered_before` condition).
struct PriorDelivery {
  std::string partner, product;
};

struct PlannedDelivery {
  std::string delivery_id;
  std::string partner;
  std::string product;
  int64_t deadline_at = 0;        // operational deadline (unix ms): then fall back
  int64_t legal_deadline_at = 0;  // 0 = none computed
  int64_t legal_start_at = 0;  // start of the legal period (the decision), for half-time warnings
  // Planned only if the store holds each of these for the case (any state; decided in the intake
  // transaction, which then clears this and notes the outcome in the event's history).
  std::vector<PriorDelivery> requires_prior{};
};

struct IntakeRecord {
  Envelope env;
  bool quarantined = false;
  std::string reason;     // quarantine reason: "<code>: <where>: <what>"
  std::string event_xml;  // the event's XML form (accepted events; not stored: derived from body)
  std::vector<PlannedDelivery> deliveries;
  std::vector<std::string> history;  // routing notes, e.g. why a delivery was not planned
  std::string person_hash;           // keyed hash of the BSN(s) for the audit trail (never the BSN)
};

enum class IntakeStatus { kStored, kDuplicate, kQuarantined };

// A delivery claimed for an attempt, with what the worker needs to build the product.
struct DueDelivery {
  int64_t seq = 0;
  std::string delivery_id, partner, product, case_id;
  int attempts = 0;                         // attempts before this one (all channels)
  int64_t deadline_at = 0, created_at = 0;  // deadline of the current channel
  int channel_index = 0;     // 0: the partner's coupling; i > 0: the route's fallback[i - 1]
  std::string channel;       // the fallback channel's name; empty on the partner's coupling
  int channel_attempts = 0;  // attempts on the current channel before this one
  int64_t legal_deadline_at = 0;
  std::string reasons;         // why earlier channels gave up ("rest-xml: ...; securemail: ...")
  std::string signed_product;  // the signed product, once built (the same on every attempt)
  std::string product_sha256;  // its SHA-256 (hex)
  std::string message_id, event_type, actor, correlation_id;
  std::string peer, person_hash;  // for the audit trail
  std::string body;  // empty when claimed: the worker loads it (Store::eventBody) when it builds
  std::string content_type;  // the event as received; its XML form is derived again
  std::string event_xml;     // only for events stored before 0.2, which kept the XML form
  int64_t received_at = 0;
};

// A message for the outbox, written in the same transaction as the state change it describes and
// published later with at-least-once semantics (status notifications, dead letters).
struct OutboxMessage {
  std::string address;  // AMQP address
  std::string kind;     // notification | dead_letter
  std::string body;     // JSON, information-poor: no personal data
};

struct OutboxEntry {
  int64_t id = 0;
  OutboxMessage msg;
};

struct AttemptResult {
  int64_t seq = 0;
  int attempt = 0;  // 1-based number of this attempt; 0: no attempt was made (a channel skipped)
  int64_t started_at = 0, finished_at = 0;
  std::string outcome;  // delivered | transient_error | permanent_error
  int http_status = 0;
  std::string reason;
  DeliveryState new_state = DeliveryState::kRetryWait;
  int64_t next_at = 0;  // for retry_wait
  std::string channel;  // channel used for this attempt, e.g. "rest-xml"
  std::string receipt;  // bounded
  // The chain position after this result (unchanged when the delivery stays on its channel).
  int channel_index = 0;
  std::string next_channel;       // fallback channel name when channel_index > 0
  bool channel_switched = false;  // new channel: its attempt count restarts
  int64_t deadline_at = 0;        // the new channel's deadline (when switched)
  std::string reasons;            // every channel's final reason so far
  // The signed product's SHA-256, when this attempt built it; the bytes too when another attempt
  // or channel will need them (stored once, reused on every later attempt and channel).
  std::string signed_product, product_sha256;
  std::vector<OutboxMessage> outbox;  // written in the same transaction
};

struct StateCount {
  std::string partner;
  std::string state;
  int64_t count = 0;
  int64_t oldest_created_at = 0;
  int64_t past_half_legal = 0;  // of these, how many used more than half their legal deadline
  int64_t within_legal = 0;     // of these, how many still have time left on their legal deadline
};

// What a partner did recently: delivered and failed attempts in the last 5 minutes and hour, and
// its last error.
struct PartnerActivity {
  std::string partner;
  int64_t delivered_5m = 0, delivered_1h = 0, failed_5m = 0, failed_1h = 0;
  std::string last_error;
  int64_t last_error_at = 0;
};

struct ChannelCount {
  std::string partner, channel, state;
  int64_t count = 0;
};

// Operator views and actions (the admin API).
struct DeliveryFilter {
  std::string state, partner, product, event_type, case_id;  // empty: any
  int64_t from_ms = 0, to_ms = 0;                            // created_at range; 0: open
  int64_t after_seq = 0;                                     // pagination cursor
  int limit = 50;
};

struct DeliveryView {
  int64_t seq = 0;
  std::string delivery_id, partner, product, case_id, event_type, message_id;
  std::string state, channel, current_channel, reason, reasons, product_sha256;
  int attempts = 0;
  int64_t created_at = 0, updated_at = 0, final_at = 0, next_at = 0, deadline_at = 0,
          legal_deadline_at = 0;
  int64_t payload_purged_at = 0;  // when retention purged its event's body (0: kept)
};

struct AttemptView {
  int attempt = 0;
  std::string channel, outcome, reason;
  int http_status = 0;
  int64_t started_at = 0, finished_at = 0;
};

struct EventView {
  int64_t id = 0;
  std::string message_id, event_type, case_id, actor, correlation_id, content_type, source, peer;
  std::string state, reason;  // accepted | quarantined, and why
  std::string person_hash;    // for the audit trail
  int64_t received_at = 0;
  std::string body;               // only when asked for
  int64_t payload_purged_at = 0;  // when retention purged the body (0: kept)
};

struct DeliveryDetail {
  DeliveryView delivery;
  EventView event;  // the envelope, without the body
  std::vector<AttemptView> attempts;
};

struct EventFilter {
  std::string state = "quarantined", event_type, case_id;
  int64_t from_ms = 0, to_ms = 0, after_id = 0;
  int limit = 50;
};

// A corrected body for a quarantined event, proposed by one operator, approved by another.
struct Proposal {
  int64_t id = 0;
  std::string message_id, original, corrected, proposed_by, approved_by;
  int64_t proposed_at = 0, approved_at = 0;
  int64_t purged_at = 0;  // when retention purged both bodies, with the event's (0: kept)
};

// Payload retention: what one purge (a bounded batch) removed. Ids, states, hashes, reasons and
// the audit trail stay; the personal data goes.
struct PurgeCounts {
  int64_t events = 0;     // event bodies (the received event and any XML form of it)
  int64_t proposals = 0;  // four-eyes proposals whose original and corrected bodies went
  int64_t products = 0;   // signed products
  int64_t outbox = 0;     // published status notifications and dead letters
  bool more = false;      // a kind filled the batch: more may be due
};

// A dead delivery put back on its partner's coupling: the same delivery id, a new deadline.
struct ReplayRequest {
  std::string delivery_id;
  int64_t deadline_at = 0;
  int64_t next_at = 0;  // when to try again (a bulk replay spreads them: its rate limit)
};

// One hub instance on the store (the cluster view): its heartbeat and what it holds.
struct InstanceView {
  std::string id;  // "<instance name>/<pid>"
  std::string host, version;
  int64_t started_at = 0, heartbeat_at = 0;  // unix ms
  int64_t heartbeat_age_ms = 0;              // now minus heartbeat_at (0 when in the future)
  bool alive = false;                        // its heartbeat is at most 2 x the lease old
  int64_t in_flight = 0;                     // in-flight deliveries leased to it
  bool self = false;                         // the instance asking
};

// Every instance sharing the store, as the store saw them at one time.
struct ClusterView {
  std::string self;                     // this instance's id
  int64_t lease_ms = 0;                 // 0: no leases (one instance on its own store)
  std::vector<InstanceView> instances;  // by id
};

// Operations are applied in the order they were submitted (from any thread): the scheduler relies
// on it to free a partner's slot once a result is submitted, before it is committed.
class Store {
 public:
  virtual ~Store() = default;
  virtual void submitIntake(IntakeRecord rec, std::function<void(Result<IntakeStatus>)> done) = 0;
  virtual void submitResult(AttemptResult res, std::function<void(Result<void>)> done) = 0;
  // Selects up to `limit` due deliveries of a partner (per-case order respected) and claims them
  // (in_flight, attempts+1) in the same transaction. done gets what was claimed.
  virtual void submitClaimDue(std::string partner, int64_t now_ms, int limit,
                              std::function<void(Result<std::vector<DueDelivery>>)> done) = 0;
  // Claims up to `limit` deliveries of a partner waiting on its coupling whose deadline passed
  // (while its circuit is open no attempt is made, but they still move on along the chain).
  virtual void submitClaimOverdue(std::string partner, int64_t now_ms, int limit,
                                  std::function<void(Result<std::vector<DueDelivery>>)> done) = 0;
  // Selects up to `limit` due deliveries waiting on fallback channel `channel` (state fallback)
  // and claims them.
  virtual void submitClaimFallback(std::string channel, int64_t now_ms, int limit,
                                   std::function<void(Result<std::vector<DueDelivery>>)> done) = 0;
  // Operator actions. Replays dead deliveries (others are left alone); done gets how many.
  virtual void submitReplay(std::vector<ReplayRequest> replays, int64_t now_ms, Actor by,
                            std::function<void(Result<int64_t>)> done) = 0;
  // Holds (or releases) a partner: no delivery of it is claimed on any channel while paused.
  virtual void submitPause(std::string partner, bool paused, Actor by, int64_t now_ms,
                           std::function<void(Result<void>)> done) = 0;
  // Intake again for a quarantined event (same message-id): the record replaces its quarantine.
  virtual void submitReplayEvent(IntakeRecord rec, Actor by,
                                 std::function<void(Result<IntakeStatus>)> done) = 0;
  // The same, for an approved proposal: the event's stored body becomes the correction.
  virtual void submitApproveProposal(int64_t proposal_id, Actor approved_by, IntakeRecord rec,
                                     std::function<void(Result<IntakeStatus>)> done) = 0;
  // Four-eyes correction of a quarantined event: propose (done gets the proposal id), then an
  // approval by another operator runs intake on the corrected body (submitReplayEvent with
  // rec.env.body = the correction and approval set): body, event and proposal change together.
  virtual void submitPropose(Proposal p, Actor by, std::function<void(Result<int64_t>)> done) = 0;
  // Payload retention: purges, in one bounded batch (at most `limit` of each kind), payloads whose
  // time ran out before `before_ms` (now minus retention.payload_days):
  //  - an accepted event's body once every delivery of it is final (delivered or dead) and the
  //    newest final_at is before before_ms (an event without deliveries: its receipt);
  //  - a quarantined event's body once its receipt and its proposals' latest activity are before
  //    before_ms; the bodies of an event's proposals go with the event's body;
  //  - a delivered delivery's signed product once its final_at is before before_ms; a dead one's
  //    with its event's body (until then a replay sends the same signed bytes);
  //  - published outbox messages sent before before_ms.
  // Ids, states, hashes and reasons stay; one audit record (`payload_purged`) carries the counts
  // of a batch that purged anything. A failed purge is reported to `done` without holding up the
  // other operations of its group commit. A replay of a purged delivery or event is refused.
  virtual void submitPurgePayloads(int64_t before_ms, int64_t now_ms, int limit,
                                   std::function<void(Result<PurgeCounts>)> done) {
    done(unexpected("store", "this store does not purge payloads"));
  }
  // Leases, for several instances sharing one store: every claim is leased to the claiming
  // instance until a lease end; a result is applied only while the lease is that instance's.
  // Renews this instance's leases of in-flight deliveries (and its heartbeat); done gets how many.
  virtual void submitRenewLeases(int64_t now_ms, std::function<void(Result<int64_t>)> done) {
    done(int64_t{0});
  }
  // Takes over up to `limit` in-flight deliveries whose lease ended before now (their instance
  // stopped renewing: it died or lost the database): they wait again on their channel, the
  // interrupted attempt recorded. done gets how many.
  virtual void submitTakeOverExpired(int64_t now_ms, int limit,
                                     std::function<void(Result<int64_t>)> done) {
    done(int64_t{0});
  }
  // Several instances (leases on): a partner's concurrency cap holds for all of them together.
  // Told each partner's cap (on start and reload), a claim on a partner's coupling takes at most
  // the cap minus what every instance has in flight on it (claims of one partner are serialised
  // across instances for this). Without leases the caller's own limit is the whole rule.
  virtual void setCouplingCaps(std::map<std::string, int> caps) { (void)caps; }
  // Several instances: this instance's circuit breaker of `partner` changed to `state` (closed,
  // open, half_open); the others hold their attempts to the partner until `hold_until_ms` (0:
  // closed, hold no more). done gets whether it was recorded.
  virtual void submitCircuit(std::string partner, std::string state, int64_t hold_until_ms,
                             int64_t now_ms, std::function<void(Result<void>)> done) {
    done({});
  }
  // The partners whose circuit another instance holds open or half-open at now_ms, with until
  // when (the latest). Empty without leases.
  virtual Result<std::map<std::string, int64_t>> heldCircuits(int64_t now_ms) {
    (void)now_ms;
    return std::map<std::string, int64_t>{};
  }
  // The instances sharing this store at now_ms (their heartbeats, alive or stale, what each has
  // in flight), this one marked `self`. One instance without leases: itself only.
  virtual Result<ClusterView> instances(int64_t now_ms) {
    (void)now_ms;
    return unexpected("store", "this store does not list its instances");
  }
  // Marks outbox messages as published (accepted by the broker).
  virtual void submitOutboxSent(std::vector<int64_t> ids, int64_t now_ms,
                                std::function<void(Result<void>)> done) = 0;
  // False while commits fail (disk full, I/O error): intake must stop granting credit.
  virtual bool writable() const = 0;

  // Reads (for views and tests; the scheduler claims through submitClaimDue).
  virtual Result<std::vector<DueDelivery>> due(const std::string& partner, int64_t now_ms,
                                               int limit) = 0;
  virtual Result<std::optional<int64_t>> nextDueAt() = 0;
  // The soonest next_at among the deliveries the scheduler could claim: those waiting on the
  // couplings of `partners` and on the fallback `channels`, paused partners left out. The
  // scheduler asks only for partners that can take an attempt (not at their cap, circuit not
  // open): a partner that is down must not wake it every millisecond for deliveries it cannot
  // send. Nothing: nothing due there.
  virtual Result<std::optional<int64_t>> nextDueFor(const std::vector<std::string>& partners,
                                                    const std::vector<std::string>& channels) {
    (void)partners;
    (void)channels;
    return nextDueAt();
  }
  virtual Result<std::vector<StateCount>> counts() = 0;
  // Final deliveries per (partner, channel that delivered or died on, state).
  virtual Result<std::vector<ChannelCount>> channelCounts() = 0;
  virtual Result<std::vector<DeliveryView>> listDeliveries(const DeliveryFilter& f) = 0;
  virtual Result<std::optional<DeliveryDetail>> delivery(const std::string& delivery_id) = 0;
  virtual Result<std::vector<EventView>> listEvents(const EventFilter& f) = 0;
  virtual Result<std::optional<EventView>> event(const std::string& message_id, bool with_body) = 0;
  virtual Result<std::vector<std::string>> pausedPartners() = 0;
  virtual Result<std::vector<PartnerActivity>> activity(int64_t now_ms) = 0;
  virtual Result<std::vector<Proposal>> proposals(const std::string& message_id) = 0;
  // The body of the event a delivery was made from: workers load it when they build the product
  // (a claim does not carry it, so a backlog of large events is not held in memory per claim).
  // An error once retention purged it.
  virtual Result<std::string> eventBody(int64_t delivery_seq) = 0;
  // Unpublished outbox messages, oldest first.
  virtual Result<std::vector<OutboxEntry>> outbox(int limit) = 0;
};

}  // namespace hub
