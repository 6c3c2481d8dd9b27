#include "hub/store/sql_store.h"

#include <chrono>
#include <thread>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/store/schema.h"
#include "hub/store/sql_queries.h"

namespace hub::store {
namespace {
// Linger for a fuller batch: 2 ms vs 1 ms cut CPU per delivery 8 % at half load, p50 +2 ms.
constexpr std::chrono::microseconds kCommitLinger{2000};
constexpr const char* kWaiting = "('pending','retry_wait')";
// A commit that lost to another instance's (PostgreSQL: deadlock detected, 40P01, or a
// serialization failure, 40001) is tried again at once, a few times, without turning the store
// unwritable: the database is fine, two instances' batches only met (for example on the counter
// rows of delivery_counts that every claim and result moves).
constexpr int kConflictRetries = 5;
bool lostToAnotherCommit(const Error& e) {
  return e.message.find("(40P01)") != std::string::npos ||
         e.message.find("(40001)") != std::string::npos;
}

// Start-up work (migrations, crash recovery) meets the commits of instances already running:
// lost to one, it is tried again after a short pause that grows with each try.
template <typename F>
auto retryLostCommits(F&& once) -> decltype(once()) {
  for (int tries = 1;; ++tries) {
    auto r = once();
    if (r || !lostToAnotherCommit(r.error()) || tries > kConflictRetries) return r;
    log::info("store start-up met another instance's commit; trying again", {{"tries", tries}});
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * tries));
  }
}

struct Connections {
  Db writer, reader, views;
};

Result<Connections> openSqlite(const SqlStore::Options& opts) {
  auto w = Db::open(opts.path, false);
  if (!w) return unexpected(w.error());
  // temp_store=MEMORY: a statement's journal (the pages it changed that an earlier statement of
  // the same group commit had changed too, kept to undo the statement alone) stays in memory.
  // By default it moves to a file in /var/tmp once a statement passes 64 KiB, and from then on
  // every statement of the batch wrote two pwrite()s per page there: ~2 pages per delivery,
  // more syscalls than the WAL itself (bench/run.sh, strace of kh-store). Bounded by one
  // statement: every statement of the writer touches a bounded set of rows (purges go in batches).
  // cache_size 4 MiB: the writes touch the tails of tables and indexes. 8 MiB cost 4.5 MB peak RSS
  // for no less CPU in bench/run.sh, bench/rabbitmq.sh or bench/backlog.sh (100,000 waiting).
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
        "PRAGMA wal_autocheckpoint=1000", "PRAGMA cache_size=-4096", "PRAGMA temp_store=MEMORY"}) {
    if (auto r = w->exec(pragma); !r) return unexpected(r.error());
  }
  if (auto r = migrate(*w); !r) return unexpected(r.error());
  if (opts.max_size_mb > 0) {
    int64_t pages = static_cast<int64_t>(opts.max_size_mb) * 1024 * 1024 / 4096;
    if (auto r = w->exec("PRAGMA max_page_count=" + std::to_string(pages)); !r)
      return unexpected(r.error());
  }
  auto rd = Db::open(opts.path, true);
  if (!rd) return unexpected(rd.error());
  auto views = Db::open(opts.path, true);
  if (!views) return unexpected(views.error());
  return Connections{std::move(*w), std::move(*rd), std::move(*views)};
}

// Three sessions, as on SQLite: the writer, the delivery path's reads, the operators' views.
Result<Connections> openPostgres(const SqlStore::Options& opts) {
  Connections c;
  for (Db* db : {&c.writer, &c.reader, &c.views}) {
    auto d = Db::openPostgres(opts.postgres, opts.postgres_password_file);
    if (!d) return unexpected(d.error());
    *db = std::move(*d);
  }
  if (auto r = retryLostCommits([&] { return migrate(c.writer); }); !r)
    return unexpected(r.error());
  return c;
}

}  // namespace

Result<int64_t> SqlStore::recoverInFlight() {
  return retryLostCommits([this]() -> Result<int64_t> {
    if (auto b = wdb_.exec(wdb_.beginSql()); !b) return unexpected(b.error());
    auto n = recoverInFlightOnce();
    if (n) {
      if (auto c = wdb_.exec("COMMIT"); !c) n = unexpected(c.error());
    }
    if (!n) (void)wdb_.exec("ROLLBACK");
    return n;
  });
}

Result<std::unique_ptr<SqlStore>> SqlStore::open(const Options& opts, const TimeSource& clock) {
  auto c = opts.postgres.empty() ? openSqlite(opts) : openPostgres(opts);
  if (!c) return unexpected(c.error());
  std::unique_ptr<SqlStore> s(
      new SqlStore(opts, clock, std::move(c->writer), std::move(c->reader), std::move(c->views)));
  if (auto r = s->prepareStatements(); !r) return unexpected(r.error());
  s->started_at_ = clock.nowMs();
  if (auto r = s->recordStart(); !r) return unexpected(r.error());
  s->writer_ = std::thread([p = s.get()] {
    nameThisThread("kh-store");
    p->writerLoop();
  });
  return s;
}

SqlStore::SqlStore(const Options& opts, const TimeSource& clock, Db writer, Db reader, Db views)
    : opts_(opts),
      clock_(clock),
      wdb_(std::move(writer)),
      rdb_(std::move(reader)),
      vdb_(std::move(views)) {}

SqlStore::~SqlStore() { stop(); }

Result<void> SqlStore::prepareStatements() {
  struct Def {
    Stmt* stmt;
    Db* db;
    std::string sql;
  };
  std::string waiting = kWaiting;
  const Dialect d = wdb_.dialect();
  std::vector<Def> defs = {
      {&ws_.insert_event, &wdb_,
       "INSERT INTO events(message_id,event_type,case_id,actor,correlation_id,content_type,"
       "source,peer,received_at,state,reason,body,event_xml,person_hash) "
       "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) ON CONFLICT(message_id) DO NOTHING "
       "RETURNING id"},
      {&ws_.mark_duplicate, &wdb_, "UPDATE events SET duplicates=duplicates+1 WHERE message_id=?1"},
      {&ws_.insert_delivery, &wdb_,
       "INSERT INTO deliveries(delivery_id,event_id,partner,product,case_id,state,next_at,"
       "deadline_at,legal_deadline_at,legal_start_at,created_at,updated_at) "
       "VALUES(?1,?2,?3,?4,?5,'pending',?6,?7,?8,?9,?6,?6)"},
      {&ws_.insert_history, &wdb_, "INSERT INTO event_history(event_id,at,note) VALUES(?1,?2,?3)"},
      {&ws_.claim, &wdb_,
       "UPDATE deliveries SET state='in_flight',attempts=attempts+1,"
       "channel_attempts=channel_attempts+1,updated_at=?1,lease_owner=?3,lease_until=?4 "
       "WHERE seq=?2 AND state IN ('pending','retry_wait','fallback')"},
      {&ws_.claim_no_attempt, &wdb_,
       "UPDATE deliveries SET state='in_flight',updated_at=?1,lease_owner=?3,lease_until=?4 "
       "WHERE seq=?2 AND state IN " +
           waiting},
      {&ws_.finish, &wdb_,
       "UPDATE deliveries SET state=?1,next_at=?2,updated_at=?3,"
       "final_at=CASE WHEN ?4<>0 THEN ?3 ELSE final_at END,channel=?5,reason=?6,"
       "receipt=COALESCE(?7,receipt),channel_index=?9,current_channel=?10,"
       "channel_attempts=CASE WHEN ?11<>0 THEN 0 ELSE channel_attempts END,"
       "deadline_at=CASE WHEN ?12>0 THEN ?12 ELSE deadline_at END,reasons=?13,"
       "product_sha256=COALESCE(?14,product_sha256),lease_owner=NULL,lease_until=NULL "
       "WHERE seq=?8 AND (?15='' OR lease_owner=?15)"},
      {&ws_.insert_product, &wdb_,
       "INSERT INTO products(delivery_seq,signed,built_at) VALUES(?1,?2,?3) "
       "ON CONFLICT(delivery_seq) DO NOTHING"},
      {&ws_.insert_outbox, &wdb_,
       "INSERT INTO outbox(created_at,address,kind,body,delivery_seq) VALUES(?1,?2,?3,?4,?5)"},
      {&ws_.outbox_sent, &wdb_, "UPDATE outbox SET sent_at=?1 WHERE id=?2 AND sent_at IS NULL"},
      {&ws_.insert_attempt, &wdb_,
       "INSERT INTO attempts(delivery_seq,attempt,started_at,finished_at,channel,"
       "outcome,http_status,reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) " +
           std::string(sql::kReplaceAttempt)},
      {&ws_.audit_delivery, &wdb_,
       "SELECT d.delivery_id,d.partner,d.product,d.case_id,e.message_id,e.actor,e.person_hash "
       "FROM deliveries d JOIN events e ON e.id=d.event_id WHERE d.seq=CASE WHEN ?1>0 THEN ?1 "
       "ELSE (SELECT seq FROM deliveries WHERE delivery_id=?2) END"},
      {&ws_.audit_outbox, &wdb_, "SELECT kind,delivery_seq FROM outbox WHERE id=?1"},
      {&ws_.begin, &wdb_, wdb_.beginSql()},
      {&ws_.commit, &wdb_, "COMMIT"},
      {&ws_.rollback, &wdb_, "ROLLBACK"},
      {&ws_.due, &wdb_, sql::due(d)},
      {&ws_.overdue, &wdb_, sql::overdue(d)},
      {&ws_.fallback_due, &wdb_, sql::fallbackDue(d)},
      {&due_stmt_, &rdb_, sql::due(d)},
      {&next_due_stmt_, &rdb_, sql::nextDue(d)},
      {&next_due_partner_stmt_, &rdb_, sql::nextDueOfPartner(d)},
      {&next_due_channel_stmt_, &rdb_, sql::nextDueOfChannel(d)},
      {&body_stmt_, &rdb_,
       "SELECT e.body,COALESCE(e.payload_purged_at,0) FROM deliveries d JOIN events e ON "
       "e.id=d.event_id WHERE d.seq=?1"},
      {&outbox_stmt_, &rdb_,
       "SELECT id,address,kind,body FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?1"},
  };
  for (auto& d : defs) {
    if (!d.stmt) continue;
    auto s = d.db->prepare(d.sql);
    if (!s) return unexpected(s.error());
    *d.stmt = std::move(*s);
  }
  return {};
}

void SqlStore::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void SqlStore::enqueue(Op op) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      // Wake the writer only if it may wait for this: the queue was empty (it waits for work) or
      // is now full (it lingers until then). Else it takes the queue after its commit anyway.
      if (queue_.size() == 1 || queue_.size() == static_cast<size_t>(opts_.group_commit_max))
        cv_.notify_one();
      return;
    }
  }
  fail(op, Error{errc::kStore, "store is stopping"});
}

void SqlStore::submitIntake(IntakeRecord rec, std::function<void(Result<IntakeStatus>)> done) {
  enqueue(IntakeOp{std::move(rec), std::move(done)});
}
void SqlStore::submitClaimDue(std::string partner, int64_t now_ms, int limit,
                              std::function<void(Result<std::vector<DueDelivery>>)> done) {
  enqueue(ClaimDueOp{ClaimKind::kPartner, std::move(partner), now_ms, limit, std::move(done), {}});
}
void SqlStore::submitClaimOverdue(std::string partner, int64_t now_ms, int limit,
                                  std::function<void(Result<std::vector<DueDelivery>>)> done) {
  enqueue(ClaimDueOp{ClaimKind::kOverdue, std::move(partner), now_ms, limit, std::move(done), {}});
}
void SqlStore::submitClaimFallback(std::string channel, int64_t now_ms, int limit,
                                   std::function<void(Result<std::vector<DueDelivery>>)> done) {
  enqueue(ClaimDueOp{ClaimKind::kFallback, std::move(channel), now_ms, limit, std::move(done), {}});
}
void SqlStore::submitOutboxSent(std::vector<int64_t> ids, int64_t now_ms,
                                std::function<void(Result<void>)> done) {
  enqueue(OutboxSentOp{std::move(ids), now_ms, std::move(done)});
}
void SqlStore::submitResult(AttemptResult res, std::function<void(Result<void>)> done) {
  enqueue(ResultOp{std::move(res), std::move(done)});
}

void SqlStore::fail(Op& op, const Error& e) {
  std::visit(
      [&](auto& o) {
        if (o.done) o.done(unexpected(e));
      },
      op);
}

void SqlStore::succeed(Op& op) {
  std::visit(
      [](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if (!o.done) return;
        if constexpr (std::is_same_v<T, ProposeOp>) {
          if (o.refused)
            o.done(unexpected(*o.refused));
          else
            o.done(o.id);
        } else if constexpr (std::is_same_v<T, ReplayEventOp>) {
          if (o.refused)
            o.done(unexpected(*o.refused));
          else
            o.done(o.status);
        } else if constexpr (std::is_same_v<T, PurgeOp>) {
          if (o.failed)
            o.done(unexpected(*o.failed));
          else
            o.done(o.counts);
        } else if constexpr (std::is_same_v<T, IntakeOp>)
          o.done(o.status);
        else if constexpr (std::is_same_v<T, ReplayOp> || std::is_same_v<T, LeaseOp>)
          o.done(o.count);
        else if constexpr (std::is_same_v<T, ClaimDueOp>)
          o.done(std::move(o.claimed));
        else
          o.done(Result<void>());
      },
      op);
}

Result<void> SqlStore::apply(Op& op) {
  return std::visit(
      [this](auto& o) -> Result<void> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, IntakeOp>)
          return applyIntake(o);
        else if constexpr (std::is_same_v<T, ClaimDueOp>)
          return applyClaimDue(o);
        else if constexpr (std::is_same_v<T, ResultOp>)
          return applyResult(o);
        else if constexpr (std::is_same_v<T, OutboxSentOp>)
          return applyOutboxSent(o);
        else if constexpr (std::is_same_v<T, ReplayOp>)
          return applyReplay(o);
        else if constexpr (std::is_same_v<T, PauseOp>)
          return applyPause(o);
        else if constexpr (std::is_same_v<T, ProposeOp>)
          return applyPropose(o);
        else if constexpr (std::is_same_v<T, PurgeOp>)
          return applyPurge(o);
        else if constexpr (std::is_same_v<T, LeaseOp>)
          return applyLease(o);
        else if constexpr (std::is_same_v<T, CircuitOp>)
          return applyCircuit(o);
        else
          return applyReplayEvent(o);
      },
      op);
}

Result<void> SqlStore::applyIntake(IntakeOp& op) {
  const auto& r = op.rec;
  const auto& e = r.env;
  if (!r.deliveries.empty())
    if (auto x = lockCase(e.case_id); !x) return x;
  auto& s = ws_.insert_event;
  s.bind(1, e.message_id).bind(2, e.event_type).bind(3, e.case_id).bind(4, e.actor);
  s.bind(5, e.correlation_id).bind(6, e.content_type).bind(7, e.source).bind(8, e.peer);
  s.bind(9, e.received_at_ms).bind(10, r.quarantined ? "quarantined" : "accepted");
  if (r.quarantined)
    s.bind(11, r.reason);
  else
    s.bindNull(11);
  s.bindBlob(12, e.body);
  s.bindNull(13);  // the XML form is derived from the body again: personal data is kept once
  s.bind(14, r.person_hash);
  auto row = s.step();
  if (!row) return unexpected(row.error());
  if (!*row) {
    s.reset();
    op.status = IntakeStatus::kDuplicate;
    auditIntake(r, op.status, nullptr);
    return ws_.mark_duplicate.bind(1, e.message_id).run();
  }
  const int64_t event_id = s.int64(0);
  s.reset();
  op.status = r.quarantined ? IntakeStatus::kQuarantined : IntakeStatus::kStored;
  return insertPlanned(event_id, op.rec, op.status, nullptr);
}

Result<void> SqlStore::applyClaimDue(ClaimDueOp& op) {
  op.claimed.clear();
  auto& q = op.kind == ClaimKind::kPartner   ? ws_.due
            : op.kind == ClaimKind::kOverdue ? ws_.overdue
                                             : ws_.fallback_due;
  int limit = op.limit;
  if (op.kind == ClaimKind::kPartner && clusterCapped()) {
    auto room = couplingRoom(op.key, limit);
    if (!room) return unexpected(room.error());
    if ((limit = *room) <= 0) return {};
  }
  q.bind(1, op.key).bind(2, op.now_ms).bind(3, limit);
  for (;;) {
    auto row = q.step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    op.claimed.push_back(sql::readDue(q));
  }
  q.reset();
  int64_t now = clock_.nowMs();
  // An overdue delivery is claimed to move it along the chain, not for an attempt.
  auto& claim = op.kind == ClaimKind::kOverdue ? ws_.claim_no_attempt : ws_.claim;
  for (auto& d : op.claimed) {
    claim.bind(1, now).bind(2, d.seq);
    if (opts_.lease_ms > 0)
      claim.bind(3, opts_.instance_id).bind(4, now + leaseHorizonMs(opts_.lease_ms));
    else
      claim.bindNull(3).bindNull(4);
    if (auto x = claim.run(); !x) return x;
  }
  auditClaim(op);
  return {};
}

Result<void> SqlStore::applyResult(ResultOp& op) {
  const auto& r = op.res;
  if (auto x = auditResult(r); !x) return x;
  auto& f = ws_.finish;
  f.bind(1, stateName(r.new_state)).bind(2, r.next_at).bind(3, r.finished_at);
  f.bind(4, isFinal(r.new_state) ? 1 : 0).bind(5, r.channel).bind(6, r.reason);
  if (r.receipt.empty())
    f.bindNull(7);
  else
    f.bind(7, r.receipt);
  f.bind(8, r.seq).bind(9, r.channel_index).bind(10, r.next_channel);
  f.bind(11, r.channel_switched ? 1 : 0).bind(12, r.deadline_at).bind(13, r.reasons);
  if (r.product_sha256.empty())
    f.bindNull(14);
  else
    f.bind(14, r.product_sha256);
  f.bind(15, opts_.lease_ms > 0 ? opts_.instance_id : std::string());
  if (auto x = f.run(); !x) return x;
  if (opts_.lease_ms > 0 && wdb_.changes() == 0) {
    // This instance lost the lease (it could not renew it in time) and another took the
    // delivery over: the attempt is recorded, the state is the other instance's.
    log::warn("attempt result after its lease was taken over", {{"seq", r.seq}});
    if (r.attempt <= 0) return {};
    auto& a = ws_.insert_attempt;
    a.bind(1, r.seq).bind(2, r.attempt).bind(3, r.started_at).bind(4, r.finished_at);
    a.bind(5, r.channel).bind(6, r.outcome).bind(7, r.http_status).bind(8, r.reason);
    return a.run();
  }
  if (!r.signed_product.empty()) {
    auto& p = ws_.insert_product;
    p.bind(1, r.seq).bindBlob(2, r.signed_product).bind(3, r.finished_at);
    if (auto x = p.run(); !x) return x;
  }
  for (const auto& m : r.outbox) {
    auto& o = ws_.insert_outbox;
    o.bind(1, r.finished_at).bind(2, m.address).bind(3, m.kind).bind(4, m.body).bind(5, r.seq);
    if (auto x = o.run(); !x) return x;
  }
  if (r.attempt <= 0) return {};
  auto& a = ws_.insert_attempt;
  a.bind(1, r.seq).bind(2, r.attempt).bind(3, r.started_at).bind(4, r.finished_at);
  a.bind(5, r.channel).bind(6, r.outcome).bind(7, r.http_status).bind(8, r.reason);
  return a.run();
}

Result<void> SqlStore::applyOutboxSent(OutboxSentOp& op) {
  for (int64_t id : op.ids) {
    if (auto x = ws_.outbox_sent.bind(1, op.now_ms).bind(2, id).run(); !x) return x;
    if (wdb_.changes() > 0) {
      if (auto x = auditOutboxSent(id, op.now_ms); !x) return x;
    }
  }
  return {};
}

void SqlStore::writerLoop() {
  std::vector<Op> batch;
  int failures = 0, conflicts = 0;
  size_t last_batch = 0;
  for (;;) {
    if (batch.empty()) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, everything committed
      // Under load, linger briefly so one fsync covers more operations (group commit).
      if (last_batch > 1 && !stopping_ &&
          queue_.size() < static_cast<size_t>(opts_.group_commit_max)) {
        cv_.wait_for(lock, kCommitLinger, [&] {
          return stopping_ || queue_.size() >= static_cast<size_t>(opts_.group_commit_max);
        });
      }
      while (!queue_.empty() && batch.size() < static_cast<size_t>(opts_.group_commit_max)) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    audit_.clear();
    const auto began = std::chrono::steady_clock::now();
    Result<void> r = ws_.begin.run();
    if (r) r = lockClaimedPartners(batch);
    for (size_t i = 0; r && i < batch.size(); ++i) r = apply(batch[i]);
    if (r) r = writeAudit();  // no step is committed whose audit record is not written
    if (r) r = ws_.commit.run();
    if (r) {
      if (opts_.on_commit)
        opts_.on_commit(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
      if (failures > 0) log::info("store writable again", {{"after_failures", failures}});
      failures = 0;
      conflicts = 0;
      writable_ = true;
      last_batch = batch.size();
      for (auto& op : batch) succeed(op);
      batch.clear();
      continue;
    }
    (void)ws_.rollback.run();
    if (lostToAnotherCommit(r.error()) && conflicts < kConflictRetries) {
      ++conflicts;
      log::info("store commit met another instance's; trying again", {{"tries", conflicts}});
      continue;
    }
    conflicts = 0;
    ++failures;
    writable_ = false;
    log::error("store commit failed; holding the batch and retrying",
               {{"reason", r.error().message}, {"ops", batch.size()}, {"failures", failures}});
    std::unique_lock<std::mutex> lock(mu_);
    int wait_ms = std::min(5000, 100 << std::min(failures, 6));
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stopping_; });
    if (stopping_) {
      for (auto& op : queue_) batch.push_back(std::move(op));
      queue_.clear();
      lock.unlock();
      for (auto& op : batch) fail(op, Error{errc::kStore, "store stopped before commit"});
      return;
    }
  }
}

}  // namespace hub::store
