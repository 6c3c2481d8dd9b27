// SqlStore: what becomes of in-flight deliveries when their instance stops: at start-up (one
// instance) all of them, and leases, for several hub instances sharing one PostgreSQL store. Every
// claim leases the delivery to the claiming instance (lease_owner) until lease_until; the instance
// renews its leases while it lives (every Options::lease_ms / 4; the horizon and take-over period
// in pipeline/store.h make a takeover happen within the lease), and a result is
// applied only while the lease is still its own. An instance that stops renewing (killed, cut off
// from the database) loses its in-flight deliveries once their lease ends: any instance takes them
// over (they wait on their channel again, the interrupted attempt recorded, as after a crash).
// Its own leases an instance never takes over: its workers hold them.
#include "hub/core/delivery_state.h"
#include "hub/log/log.h"
#include "hub/store/sql_queries.h"
#include "hub/store/sql_store.h"

namespace hub::store {

void SqlStore::submitRenewLeases(int64_t now_ms, std::function<void(Result<int64_t>)> done) {
  enqueue(LeaseOp{true, now_ms, 0, std::move(done)});
}

void SqlStore::submitTakeOverExpired(int64_t now_ms, int limit,
                                     std::function<void(Result<int64_t>)> done) {
  enqueue(LeaseOp{false, now_ms, limit, std::move(done)});
}

Result<int64_t> SqlStore::recoverInFlightOnce() {
  // With leases the in-flight deliveries of other instances are theirs while they renew: only
  // expired leases are taken over (this instance's own from before a restart among them).
  if (opts_.lease_ms > 0) return takeOverExpired(clock_.nowMs(), 1 << 30);
  if (auto a = auditInterrupted(); !a) return unexpected(a.error());
  auto r = wdb_.exec(
      "INSERT INTO attempts(delivery_seq,attempt,started_at,finished_at,channel,"
      "outcome,http_status,reason) SELECT seq,attempts,updated_at,updated_at,'',"
      "'interrupted',0,'hub stopped during the attempt' FROM deliveries WHERE state='in_flight' " +
      std::string(sql::kReplaceAttempt));
  if (!r) return unexpected(r.error());
  r = wdb_.exec(
      "UPDATE deliveries SET state=CASE WHEN channel_index>0 THEN 'fallback' ELSE 'pending' END "
      "WHERE state='in_flight'");
  if (!r) return unexpected(r.error());
  return wdb_.changes();
}

Result<void> SqlStore::lockCase(const std::string& case_id) {
  if (wdb_.dialect() != Dialect::kPostgres) return {};
  auto s = wdb_.preparedOnce(case_lock_, "SELECT pg_advisory_xact_lock(hashtext(?1))");
  if (!s) return unexpected(s.error());
  return (*s)->bind(1, case_id).run();
}

Result<void> SqlStore::applyLease(LeaseOp& op) {
  op.count = 0;
  if (opts_.lease_ms <= 0) return {};
  if (!op.renew) {
    auto n = takeOverExpired(op.now_ms, op.limit);
    if (!n) return unexpected(n.error());
    op.count = *n;
    return {};
  }
  auto r = wdb_.preparedOnce(renew_,
                             "UPDATE deliveries SET lease_until=?1 WHERE lease_owner=?2 AND "
                             "state='in_flight'");
  if (!r) return unexpected(r.error());
  if (auto x = (*r)->bind(1, op.now_ms + leaseHorizonMs(opts_.lease_ms))
                   .bind(2, opts_.instance_id)
                   .run();
      !x)
    return x;
  op.count = wdb_.changes();
  return heartbeat(op.now_ms);  // sql_store_instances.cc
}

Result<int64_t> SqlStore::takeOverExpired(int64_t now_ms, int limit) {
  const bool pg = wdb_.dialect() == Dialect::kPostgres;
  // Another instance taking the same ones over at this moment holds their rows: skip them.
  auto q = wdb_.preparedOnce(
      expired_, std::string("SELECT seq,attempts,current_channel,lease_owner FROM deliveries "
                            "WHERE state='in_flight' AND lease_until<?1 AND lease_owner<>?2 "
                            "ORDER BY lease_until LIMIT ?3") +
                    (pg ? " FOR UPDATE SKIP LOCKED" : ""));
  if (!q) return unexpected(q.error());
  struct Expired {
    int64_t seq = 0, attempts = 0;
    std::string channel, owner;
  };
  std::vector<Expired> expired;
  (*q)->bind(1, now_ms).bind(2, opts_.instance_id).bind(3, limit);
  for (;;) {
    auto row = (*q)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    Expired e;
    e.seq = (*q)->int64(0);
    e.attempts = (*q)->int64(1);
    e.channel = (*q)->text(2);
    e.owner = (*q)->text(3);
    expired.push_back(std::move(e));
  }
  (*q)->reset();
  if (expired.empty()) return int64_t{0};
  auto t = wdb_.preparedOnce(
      take_over_,
      "UPDATE deliveries SET state=CASE WHEN channel_index>0 THEN 'fallback' ELSE "
      "'pending' END,lease_owner=NULL,lease_until=NULL,updated_at=?2 "
      "WHERE seq=?1 AND state='in_flight' AND lease_until<?2");
  if (!t) return unexpected(t.error());
  for (const auto& e : expired) {
    auto& a = ws_.insert_attempt;
    a.bind(1, e.seq).bind(2, e.attempts).bind(3, now_ms).bind(4, now_ms);
    a.bind(5, e.channel).bind(6, "interrupted").bind(7, 0);
    a.bind(8, "the instance holding the attempt stopped renewing its lease");
    if (auto x = a.run(); !x) return unexpected(x.error());
    if (auto x = (*t)->bind(1, e.seq).bind(2, now_ms).run(); !x) return unexpected(x.error());
    if (opts_.audit) {
      auto rec = deliveryRecord("", e.seq);
      if (!rec) return unexpected(rec.error());
      rec->at_ms = now_ms;
      rec->action = "transfer";
      rec->outcome = "interrupted";
      rec->channel = e.channel.empty() ? "coupling" : e.channel;
      rec->reason =
          "the instance holding the attempt stopped renewing its lease; it is tried again";
      rec->detail = "from=" + e.owner;
      audit_.push_back(std::move(*rec));
    }
  }
  log::warn("took over deliveries whose lease ended", {{"count", expired.size()}});
  return static_cast<int64_t>(expired.size());
}

}  // namespace hub::store
