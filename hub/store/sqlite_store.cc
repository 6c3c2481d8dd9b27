#include "hub/store/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>

#include "hub/core/error_codes.h"
#include "hub/core/thread_name.h"
#include "hub/log/log.h"
#include "hub/store/schema.h"

namespace hub::store {
namespace {
constexpr std::chrono::microseconds kCommitLinger{1000};
constexpr const char* kWaiting = "('pending','retry_wait')";

// Due deliveries of one partner; a later delivery of the same (partner, case) waits until every
// earlier one is delivered, fell back or is dead.
std::string dueSql() {
  return std::string(
             "SELECT d.seq,d.delivery_id,d.partner,d.product,d.case_id,d.attempts,d.deadline_at,"
             "d.created_at,e.message_id,e.event_type,e.actor,e.correlation_id,e.event_xml,"
             "e.received_at,e.body,e.content_type FROM deliveries d JOIN events e ON "
             "e.id=d.event_id "
             "WHERE d.partner=?1 AND d.state IN ") +
         kWaiting +
         " AND d.next_at<=?2 AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE "
         "p.partner=d.partner AND p.case_id=d.case_id AND p.seq<d.seq AND "
         "p.state NOT IN ('delivered','dead','fallback')) ORDER BY d.next_at, d.seq LIMIT ?3";
}

DueDelivery readDue(const Stmt& s) {
  DueDelivery d;
  d.seq = s.int64(0);
  d.delivery_id = s.text(1);
  d.partner = s.text(2);
  d.product = s.text(3);
  d.case_id = s.text(4);
  d.attempts = static_cast<int>(s.int64(5));
  d.deadline_at = s.int64(6);
  d.created_at = s.int64(7);
  d.message_id = s.text(8);
  d.event_type = s.text(9);
  d.actor = s.text(10);
  d.correlation_id = s.text(11);
  d.event_xml = s.text(12);
  d.received_at = s.int64(13);
  d.body = s.text(14);
  d.content_type = s.text(15);
  return d;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const Options& opts,
                                                       const TimeSource& clock) {
  auto w = Db::open(opts.path, false);
  if (!w) return unexpected(w.error());
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
        "PRAGMA wal_autocheckpoint=1000", "PRAGMA cache_size=-8192"}) {
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
  std::unique_ptr<SqliteStore> s(new SqliteStore(opts, clock, std::move(*w), std::move(*rd)));
  if (auto r = s->prepareStatements(); !r) return unexpected(r.error());
  s->writer_ = std::thread([p = s.get()] {
    nameThisThread("kh-store");
    p->writerLoop();
  });
  return s;
}

SqliteStore::SqliteStore(const Options& opts, const TimeSource& clock, Db writer, Db reader)
    : opts_(opts), clock_(clock), wdb_(std::move(writer)), rdb_(std::move(reader)) {}

SqliteStore::~SqliteStore() { stop(); }

Result<void> SqliteStore::prepareStatements() {
  struct Def {
    Stmt* stmt;
    Db* db;
    std::string sql;
  };
  std::string waiting = kWaiting;
  std::vector<Def> defs = {
      {&ws_.insert_event, &wdb_,
       "INSERT INTO events(message_id,event_type,case_id,actor,correlation_id,content_type,"
       "source,peer,received_at,state,reason,body,event_xml) "
       "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) ON CONFLICT(message_id) DO NOTHING"},
      {&ws_.mark_duplicate, &wdb_, "UPDATE events SET duplicates=duplicates+1 WHERE message_id=?1"},
      {&ws_.insert_delivery, &wdb_,
       "INSERT INTO deliveries(delivery_id,event_id,partner,product,case_id,state,next_at,"
       "deadline_at,legal_deadline_at,legal_start_at,created_at,updated_at) "
       "VALUES(?1,?2,?3,?4,?5,'pending',?6,?7,?8,?9,?6,?6)"},
      {&ws_.insert_history, &wdb_, "INSERT INTO event_history(event_id,at,note) VALUES(?1,?2,?3)"},
      {&ws_.claim, &wdb_,
       "UPDATE deliveries SET state='in_flight',attempts=attempts+1,updated_at=?1 "
       "WHERE seq=?2 AND state IN " +
           waiting},
      {&ws_.finish, &wdb_,
       "UPDATE deliveries SET state=?1,next_at=?2,updated_at=?3,"
       "final_at=CASE WHEN ?4 THEN ?3 ELSE final_at END,channel=?5,reason=?6,"
       "receipt=COALESCE(?7,receipt) WHERE seq=?8"},
      {&ws_.insert_attempt, &wdb_,
       "INSERT OR REPLACE INTO attempts(delivery_seq,attempt,started_at,finished_at,channel,"
       "outcome,http_status,reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"},
      {&ws_.expire_select, &wdb_,
       "UPDATE deliveries SET state='dead',updated_at=?3,final_at=?3,reason=?4 "
       "WHERE partner=?1 AND state IN " +
           waiting + " AND deadline_at<=?2"},
      {&ws_.begin, &wdb_, "BEGIN IMMEDIATE"},
      {&ws_.commit, &wdb_, "COMMIT"},
      {&ws_.rollback, &wdb_, "ROLLBACK"},
      {&ws_.due, &wdb_, dueSql()},
      {&due_stmt_, &rdb_, dueSql()},
      {&next_due_stmt_, &rdb_, "SELECT MIN(next_at) FROM deliveries WHERE state IN " + waiting},
  };
  for (auto& d : defs) {
    if (!d.stmt) continue;
    auto s = d.db->prepare(d.sql);
    if (!s) return unexpected(s.error());
    *d.stmt = std::move(*s);
  }
  return {};
}

void SqliteStore::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void SqliteStore::enqueue(Op op) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      cv_.notify_one();
      return;
    }
  }
  fail(op, Error{errc::kStore, "store is stopping"});
}

void SqliteStore::submitIntake(IntakeRecord rec, std::function<void(Result<IntakeStatus>)> done) {
  enqueue(IntakeOp{std::move(rec), std::move(done)});
}
void SqliteStore::submitClaimDue(std::string partner, int64_t now_ms, int limit,
                                 std::function<void(Result<std::vector<DueDelivery>>)> done) {
  enqueue(ClaimDueOp{std::move(partner), now_ms, limit, std::move(done), {}});
}
void SqliteStore::submitResult(AttemptResult res, std::function<void(Result<void>)> done) {
  enqueue(ResultOp{std::move(res), std::move(done)});
}
void SqliteStore::submitExpire(std::string partner, int64_t now_ms, std::string reason,
                               std::function<void(Result<int64_t>)> done) {
  enqueue(ExpireOp{std::move(partner), now_ms, std::move(reason), std::move(done)});
}

void SqliteStore::fail(Op& op, const Error& e) {
  std::visit(
      [&](auto& o) {
        if (o.done) o.done(unexpected(e));
      },
      op);
}

void SqliteStore::succeed(Op& op) {
  std::visit(
      [](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if (!o.done) return;
        if constexpr (std::is_same_v<T, IntakeOp>)
          o.done(o.status);
        else if constexpr (std::is_same_v<T, ClaimDueOp>)
          o.done(std::move(o.claimed));
        else if constexpr (std::is_same_v<T, ResultOp>)
          o.done(Result<void>());
        else
          o.done(o.count);
      },
      op);
}

Result<void> SqliteStore::apply(Op& op) {
  return std::visit(
      [this](auto& o) -> Result<void> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, IntakeOp>)
          return applyIntake(o);
        else if constexpr (std::is_same_v<T, ClaimDueOp>)
          return applyClaimDue(o);
        else if constexpr (std::is_same_v<T, ResultOp>)
          return applyResult(o);
        else
          return applyExpire(o);
      },
      op);
}

Result<void> SqliteStore::applyIntake(IntakeOp& op) {
  const auto& r = op.rec;
  const auto& e = r.env;
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
  if (auto x = s.run(); !x) return x;
  if (wdb_.changes() == 0) {
    op.status = IntakeStatus::kDuplicate;
    return ws_.mark_duplicate.bind(1, e.message_id).run();
  }
  int64_t event_id = sqlite3_last_insert_rowid(wdb_.raw());
  op.status = r.quarantined ? IntakeStatus::kQuarantined : IntakeStatus::kStored;
  for (const auto& d : r.deliveries) {
    auto& st = ws_.insert_delivery;
    st.bind(1, d.delivery_id).bind(2, event_id).bind(3, d.partner).bind(4, d.product);
    st.bind(5, e.case_id).bind(6, e.received_at_ms).bind(7, d.deadline_at);
    if (d.legal_start_at)
      st.bind(9, d.legal_start_at);
    else
      st.bindNull(9);
    if (d.legal_deadline_at)
      st.bind(8, d.legal_deadline_at);
    else
      st.bindNull(8);
    if (auto x = st.run(); !x) return x;
  }
  for (const auto& note : r.history) {
    if (auto x = ws_.insert_history.bind(1, event_id).bind(2, e.received_at_ms).bind(3, note).run();
        !x)
      return x;
  }
  return {};
}

Result<void> SqliteStore::applyClaimDue(ClaimDueOp& op) {
  op.claimed.clear();
  auto& q = ws_.due;
  q.bind(1, op.partner).bind(2, op.now_ms).bind(3, op.limit);
  for (;;) {
    auto row = q.step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    op.claimed.push_back(readDue(q));
  }
  q.reset();
  int64_t now = clock_.nowMs();
  for (auto& d : op.claimed) {
    if (auto x = ws_.claim.bind(1, now).bind(2, d.seq).run(); !x) return x;
  }
  return {};
}

Result<void> SqliteStore::applyResult(ResultOp& op) {
  const auto& r = op.res;
  bool final = isFinal(r.new_state) || r.new_state == DeliveryState::kFallback;
  auto& f = ws_.finish;
  f.bind(1, stateName(r.new_state)).bind(2, r.next_at).bind(3, r.finished_at);
  f.bind(4, final ? 1 : 0).bind(5, r.channel).bind(6, r.reason);
  if (r.receipt.empty())
    f.bindNull(7);
  else
    f.bind(7, r.receipt);
  f.bind(8, r.seq);
  if (auto x = f.run(); !x) return x;
  if (r.attempt <= 0) return {};
  auto& a = ws_.insert_attempt;
  a.bind(1, r.seq).bind(2, r.attempt).bind(3, r.started_at).bind(4, r.finished_at);
  a.bind(5, r.channel).bind(6, r.outcome).bind(7, r.http_status).bind(8, r.reason);
  return a.run();
}

Result<void> SqliteStore::applyExpire(ExpireOp& op) {
  auto& s = ws_.expire_select;
  s.bind(1, op.partner).bind(2, op.now_ms).bind(3, clock_.nowMs()).bind(4, op.reason);
  if (auto x = s.run(); !x) return x;
  op.count = wdb_.changes();
  return {};
}

void SqliteStore::writerLoop() {
  std::vector<Op> batch;
  int failures = 0;
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
    Result<void> r = ws_.begin.run();
    for (size_t i = 0; r && i < batch.size(); ++i) r = apply(batch[i]);
    if (r) r = ws_.commit.run();
    if (r) {
      if (failures > 0) log::info("store writable again", {{"after_failures", failures}});
      failures = 0;
      writable_ = true;
      last_batch = batch.size();
      for (auto& op : batch) succeed(op);
      batch.clear();
      continue;
    }
    (void)ws_.rollback.run();
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

Result<int64_t> SqliteStore::recoverInFlight() {
  auto r = wdb_.exec(
      "INSERT OR REPLACE INTO attempts(delivery_seq,attempt,started_at,finished_at,channel,"
      "outcome,http_status,reason) SELECT seq,attempts,updated_at,updated_at,'',"
      "'interrupted',0,'hub stopped during the attempt' FROM deliveries WHERE state='in_flight'");
  if (!r) return unexpected(r.error());
  r = wdb_.exec("UPDATE deliveries SET state='pending' WHERE state='in_flight'");
  if (!r) return unexpected(r.error());
  return wdb_.changes();
}

Result<std::vector<DueDelivery>> SqliteStore::due(const std::string& partner, int64_t now_ms,
                                                  int limit) {
  std::lock_guard<std::mutex> lock(read_mu_);
  std::vector<DueDelivery> out;
  auto& s = due_stmt_;
  s.bind(1, partner).bind(2, now_ms).bind(3, limit);
  for (;;) {
    auto row = s.step();
    if (!row) {
      s.reset();
      return unexpected(row.error());
    }
    if (!*row) break;
    out.push_back(readDue(s));
  }
  s.reset();
  return out;
}

Result<std::optional<int64_t>> SqliteStore::nextDueAt() {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto row = next_due_stmt_.step();
  if (!row) return unexpected(row.error());
  std::optional<int64_t> v;
  if (*row && !next_due_stmt_.isNull(0)) v = next_due_stmt_.int64(0);
  next_due_stmt_.reset();
  return v;
}

Result<std::vector<StateCount>> SqliteStore::counts() {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto s = rdb_.prepare(
      "SELECT partner,state,COUNT(*),MIN(created_at),"
      "SUM(legal_deadline_at IS NOT NULL AND ?1 > COALESCE(legal_start_at, created_at) + "
      "(legal_deadline_at - COALESCE(legal_start_at, created_at)) / 2)"
      " FROM deliveries GROUP BY partner,state");
  if (!s) return unexpected(s.error());
  s->bind(1, clock_.nowMs());
  std::vector<StateCount> out;
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({s->text(0), s->text(1), s->int64(2), s->int64(3), s->int64(4)});
  }
  return out;
}

}  // namespace hub::store
