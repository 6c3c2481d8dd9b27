#pragma once
// SqlStore: the store on SQLite (the embedded default: WAL, synchronous=FULL) or on PostgreSQL
// (Options::postgres). One writer thread group-commits every queued operation in one transaction
// (one fsync for many messages); the SQL is shared, the few differences are named per dialect.
// When a commit fails the batch is kept and retried with backoff; writable() turns false so
// intake stops granting credit, and nothing is acknowledged that was not committed.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "hub/core/time_source.h"
#include "hub/pipeline/store.h"
#include "hub/store/sql_db.h"

namespace hub::store {

class SqlStore final : public Store {
 public:
  struct Options {
    std::string path;  // SQLite: the database file
    int group_commit_max = 512;
    int max_size_mb = 0;  // 0 = no cap; past the cap commits fail (SQLITE_FULL) like a full disk
    // Where each commit's audit records go, before the commit (null: none, for tools and tests).
    AuditTrail* audit = nullptr;
    // Told the duration of each successful group commit (seconds, BEGIN to COMMIT), on the
    // writer thread; keeps the store free of the metrics registry. Empty: not measured.
    std::function<void(double seconds)> on_commit = {};
    // PostgreSQL instead of SQLite when set: a libpq connection string, and a file holding the
    // password (never in the configuration itself; empty: none or in the connection string).
    std::string postgres = {};
    std::string postgres_password_file = {};
    // Leases (several instances on one PostgreSQL store): this instance's id and how long a
    // claim holds without renewal. 0: no leases (one instance; its start-up takes over every
    // in-flight delivery).
    std::string instance_id = {};
    int64_t lease_ms = 0;
    // The cluster view (sql_store_instances.cc): this instance's host and version, recorded with
    // its heartbeat in `instances` (leases on).
    std::string host = {};
    std::string version = {};
  };
  static Result<std::unique_ptr<SqlStore>> open(const Options& opts, const TimeSource& clock);
  ~SqlStore() override;
  void stop();  // drains and joins the writer; pending callbacks get an error

  void submitIntake(IntakeRecord rec, std::function<void(Result<IntakeStatus>)> done) override;
  void submitClaimDue(std::string partner, int64_t now_ms, int limit,
                      std::function<void(Result<std::vector<DueDelivery>>)> done) override;
  void submitResult(AttemptResult res, std::function<void(Result<void>)> done) override;
  void submitClaimOverdue(std::string partner, int64_t now_ms, int limit,
                          std::function<void(Result<std::vector<DueDelivery>>)> done) override;
  void submitClaimFallback(std::string channel, int64_t now_ms, int limit,
                           std::function<void(Result<std::vector<DueDelivery>>)> done) override;
  void submitOutboxSent(std::vector<int64_t> ids, int64_t now_ms,
                        std::function<void(Result<void>)> done) override;
  void submitReplay(std::vector<ReplayRequest> replays, int64_t now_ms, Actor by,
                    std::function<void(Result<int64_t>)> done) override;
  void submitPause(std::string partner, bool paused, Actor by, int64_t now_ms,
                   std::function<void(Result<void>)> done) override;
  void submitReplayEvent(IntakeRecord rec, Actor by,
                         std::function<void(Result<IntakeStatus>)> done) override;
  void submitApproveProposal(int64_t proposal_id, Actor approved_by, IntakeRecord rec,
                             std::function<void(Result<IntakeStatus>)> done) override;
  void submitPropose(Proposal p, Actor by, std::function<void(Result<int64_t>)> done) override;
  void submitPurgePayloads(int64_t before_ms, int64_t now_ms, int limit,
                           std::function<void(Result<PurgeCounts>)> done) override;
  void submitRenewLeases(int64_t now_ms, std::function<void(Result<int64_t>)> done) override;
  void submitTakeOverExpired(int64_t now_ms, int limit,
                             std::function<void(Result<int64_t>)> done) override;
  void setCouplingCaps(std::map<std::string, int> caps) override;
  void submitCircuit(std::string partner, std::string state, int64_t hold_until_ms, int64_t now_ms,
                     std::function<void(Result<void>)> done) override;
  Result<std::map<std::string, int64_t>> heldCircuits(int64_t now_ms) override;
  bool writable() const override { return writable_.load(); }

  Result<std::vector<DueDelivery>> due(const std::string& partner, int64_t now_ms,
                                       int limit) override;
  Result<std::optional<int64_t>> nextDueAt() override;
  Result<std::optional<int64_t>> nextDueFor(const std::vector<std::string>& partners,
                                            const std::vector<std::string>& channels) override;
  Result<std::vector<StateCount>> counts() override;
  Result<std::vector<OutboxEntry>> outbox(int limit) override;
  Result<std::string> eventBody(int64_t delivery_seq) override;
  Result<std::vector<ChannelCount>> channelCounts() override;
  Result<std::vector<DeliveryView>> listDeliveries(const DeliveryFilter& f) override;
  Result<std::optional<DeliveryDetail>> delivery(const std::string& delivery_id) override;
  Result<std::vector<EventView>> listEvents(const EventFilter& f) override;
  Result<std::optional<EventView>> event(const std::string& message_id, bool with_body) override;
  Result<std::vector<std::string>> pausedPartners() override;
  Result<std::vector<PartnerActivity>> activity(int64_t now_ms) override;
  Result<std::vector<Proposal>> proposals(const std::string& message_id) override;

  // The cluster view (sql_store_instances.cc).
  Result<ClusterView> instances(int64_t now_ms) override;

  // Crash recovery at start-up: in_flight deliveries go back to pending (attempt recorded as
  // interrupted). Returns how many. One transaction; on PostgreSQL tried again when it meets
  // another instance's commit (deadlock, serialization failure).
  Result<int64_t> recoverInFlight();

 private:
  struct IntakeOp {
    IntakeRecord rec;
    std::function<void(Result<IntakeStatus>)> done;
    IntakeStatus status = IntakeStatus::kStored;
  };
  enum class ClaimKind { kPartner, kOverdue, kFallback };
  struct ClaimDueOp {
    ClaimKind kind;
    std::string key;  // partner code, or the fallback channel's name
    int64_t now_ms;
    int limit;
    std::function<void(Result<std::vector<DueDelivery>>)> done;
    std::vector<DueDelivery> claimed;
  };
  struct ResultOp {
    AttemptResult res;
    std::function<void(Result<void>)> done;
  };
  struct OutboxSentOp {
    std::vector<int64_t> ids;
    int64_t now_ms;
    std::function<void(Result<void>)> done;
  };
  struct ReplayOp {
    std::vector<ReplayRequest> replays;
    int64_t now_ms;
    Actor by;
    std::function<void(Result<int64_t>)> done;
    int64_t count = 0;
  };
  struct PauseOp {
    std::string partner;
    bool paused;
    Actor by;
    int64_t now_ms;
    std::function<void(Result<void>)> done;
  };
  struct ReplayEventOp {
    IntakeRecord rec;
    std::function<void(Result<IntakeStatus>)> done;
    IntakeStatus status = IntakeStatus::kStored;
    std::optional<Error> refused;  // a request that cannot apply (the batch still commits)
    int64_t proposal_id = 0;       // > 0: an approved four-eyes correction
    Actor by;                      // who replayed (or approved)
  };
  struct ProposeOp {
    Proposal p;
    Actor by;
    std::function<void(Result<int64_t>)> done;
    int64_t id = 0;
    std::optional<Error> refused;
  };
  struct PurgeOp {
    int64_t before_ms, now_ms;
    int limit;
    std::function<void(Result<PurgeCounts>)> done;
    PurgeCounts counts;
    std::optional<Error> failed;  // reported to done; the rest of the batch still commits
  };
  struct LeaseOp {
    bool renew;  // true: renew this instance's leases; false: take over expired ones
    int64_t now_ms;
    int limit;
    std::function<void(Result<int64_t>)> done;
    int64_t count = 0;
  };
  struct CircuitOp {
    std::string partner, state;
    int64_t hold_until_ms, now_ms;
    std::function<void(Result<void>)> done;
  };
  using Op = std::variant<IntakeOp, ClaimDueOp, ResultOp, OutboxSentOp, ReplayOp, PauseOp,
                          ReplayEventOp, ProposeOp, PurgeOp, LeaseOp, CircuitOp>;

  SqlStore(const Options& opts, const TimeSource& clock, Db writer, Db reader, Db views);
  Result<void> prepareStatements();
  void writerLoop();
  Result<void> apply(Op& op);
  Result<void> applyIntake(IntakeOp& op);
  Result<void> applyClaimDue(ClaimDueOp& op);
  Result<void> applyResult(ResultOp& op);
  Result<void> applyOutboxSent(OutboxSentOp& op);
  // Operator actions (sqlite_store_operator.cc).
  Result<void> applyReplay(ReplayOp& op);
  Result<void> applyPause(PauseOp& op);
  Result<void> applyReplayEvent(ReplayEventOp& op);
  Result<void> applyPropose(ProposeOp& op);
  // Payload retention (sqlite_store_retention.cc): applyPurge runs purgeBatch in a savepoint.
  Result<void> applyPurge(PurgeOp& op);
  Result<void> purgeBatch(PurgeOp& op);
  // Leases (sql_store_leases.cc).
  Result<void> applyLease(LeaseOp& op);
  Result<int64_t> takeOverExpired(int64_t now_ms, int limit);
  Result<int64_t> recoverInFlightOnce();
  // One partner's cap over all instances (sql_store_cluster.cc). At the start of a batch's
  // transaction, before anything else (so no lock order can cross the case locks of intake):
  // a transaction lock per partner the batch claims for, in name order. Then each claim takes
  // at most the cap minus what all instances have in flight on the partner's coupling.
  Result<void> lockClaimedPartners(const std::vector<Op>& batch);
  Result<int> couplingRoom(const std::string& partner, int limit);
  Result<void> applyCircuit(CircuitOp& op);
  // The cluster view (sql_store_instances.cc): this instance's row in `instances`, at open (with
  // leases) and on every renewal (the heartbeat; rows stale for a day go).
  Result<void> recordStart();
  Result<void> heartbeat(int64_t now_ms);
  Result<std::map<std::string, int64_t>> inFlightByOwner();
  bool clusterCapped() const { return opts_.lease_ms > 0 && wdb_.dialect() == Dialect::kPostgres; }
  std::optional<int> capOf(const std::string& partner);
  // On the reader connection (read_mu_ held): every instance together is at the partner's cap.
  Result<bool> couplingFull(const std::string& partner);
  // PostgreSQL: holds the case until the commit, so that instances committing events of one
  // case at once number its deliveries (seq) in commit order. Nothing on SQLite (one writer).
  Result<void> lockCase(const std::string& case_id);
  // An event's planning in its intake transaction (sqlite_store_planning.cc): decides the
  // deliveries that wait on the case's history, collects the audit records, inserts the planned
  // deliveries and routing notes. Resolves `rec` in place (idempotent: a retried batch applies it
  // again to the resolved record).
  Result<void> insertPlanned(int64_t event_id, IntakeRecord& rec, IntakeStatus status,
                             const Actor* replayed_by);
  Result<void> resolvePriorDeliveries(IntakeRecord& rec);
  // The audit records of each operation (sqlite_store_audit.cc), collected in audit_ and
  // written before the commit.
  void auditIntake(const IntakeRecord& rec, IntakeStatus status, const Actor* replayed_by);
  void auditClaim(const ClaimDueOp& op);
  Result<void> auditResult(const AttemptResult& r);
  Result<void> auditOutboxSent(int64_t outbox_id, int64_t now_ms);
  Result<AuditRecord> deliveryRecord(const std::string& delivery_id, int64_t seq);
  Result<void> writeAudit();
  Result<void> auditInterrupted();  // at start-up: the attempts a stop interrupted
  void enqueue(Op op);
  static void fail(Op& op, const Error& e);
  static void succeed(Op& op);

  Options opts_;
  const TimeSource& clock_;
  // Only used on the writer thread (after construction).
  Db wdb_;
  struct WriterStmts {
    Stmt insert_event, mark_duplicate, insert_delivery, insert_history, claim, claim_no_attempt,
        finish, insert_attempt, insert_product, insert_outbox, outbox_sent, begin, commit, rollback,
        due, overdue, fallback_due, audit_delivery, audit_outbox;
  } ws_;
  std::optional<Stmt> prior_delivery_;  // prepared on first use (sql_store_planning.cc)
  // Prepared on first use (sql_store_leases.cc).
  std::optional<Stmt> case_lock_, renew_, heartbeat_, expired_, take_over_;
  std::optional<Stmt> partner_lock_, coupling_in_flight_, circuit_;  // sql_store_cluster.cc
  std::optional<Stmt> forget_instances_;                             // sql_store_instances.cc
  int64_t started_at_ = 0;          // when this store was opened (unix ms)
  std::vector<AuditRecord> audit_;  // the audit records of the batch being committed
  // Reads on the delivery path: the scheduler, the workers (event bodies), the outbox relay.
  Db rdb_;
  Stmt due_stmt_, next_due_stmt_, outbox_stmt_, body_stmt_;
  Stmt next_due_partner_stmt_, next_due_channel_stmt_;
  std::mutex read_mu_;
  std::optional<Stmt> read_in_flight_, held_circuits_;  // guarded by read_mu_
  // The partners' caps (setCouplingCaps): set by the scheduler, read by the writer and reads.
  std::mutex caps_mu_;
  std::map<std::string, int> caps_;  // guarded by caps_mu_
  // Reads for operators (admin API, /metrics, status) on a connection of their own: a slow view
  // never holds up the delivery path's reads (WAL: readers do not wait for each other).
  Db vdb_;
  std::mutex views_mu_;

  std::mutex mu_;  // guards queue_, stopping_
  std::condition_variable cv_;
  std::deque<Op> queue_;
  bool stopping_ = false;
  std::atomic<bool> writable_{true};
  std::thread writer_;
};

}  // namespace hub::store
