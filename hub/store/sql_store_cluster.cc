// SqlStore: one partner's concurrency cap and circuit over all instances sharing a PostgreSQL
// store (leases on). Without leases (one instance, SQLite) none of this runs: the scheduler's own
// cap and breaker are the whole rule.
//
// The cap. Each instance's scheduler asks for at most its own free slots; the store then lets a
// claim on a partner's coupling take at most cap − (in flight on that coupling, all instances).
// That count is exact only if no other instance claims for the partner between the count and the
// commit: a batch that claims for partners first takes a transaction-scoped advisory lock per
// partner (in name order, before any other statement of the batch, so it never waits on a lock
// while holding a case lock of intake: no cycle), and PostgreSQL's read committed lets the count
// see every claim committed before the lock was granted. Deliveries in flight on an instance that
// died count until their lease ends and another instance takes them over (at most
// store.lease_seconds): the cap errs on the partner's side.
//
// The circuit. An instance whose breaker changes records it (partner_circuits: state, until when
// the others hold, who); every instance reads the partners held by others once a second (the
// lease keeper) and makes no attempt to them until then. Only the instance whose breaker opened
// probes; if it dies, the hold ends with its open period and the others resume (their own
// breakers open again if the partner is still down).
#include <algorithm>
#include <set>

#include "hub/store/sql_store.h"

namespace hub::store {

void SqlStore::setCouplingCaps(std::map<std::string, int> caps) {
  std::lock_guard<std::mutex> lock(caps_mu_);
  caps_ = std::move(caps);
}

std::optional<int> SqlStore::capOf(const std::string& partner) {
  std::lock_guard<std::mutex> lock(caps_mu_);
  auto it = caps_.find(partner);
  if (it == caps_.end()) return std::nullopt;
  return it->second;
}

Result<void> SqlStore::lockClaimedPartners(const std::vector<Op>& batch) {
  if (!clusterCapped()) return {};
  std::set<std::string> partners;  // in name order: every instance locks in the same order
  for (const auto& op : batch)
    if (const auto* c = std::get_if<ClaimDueOp>(&op); c && c->kind == ClaimKind::kPartner)
      partners.insert(c->key);
  if (partners.empty()) return {};
  // Key space 2 of the two-key form (case locks use the one-key form: a separate space).
  auto s = wdb_.preparedOnce(partner_lock_, "SELECT pg_advisory_xact_lock(2, hashtext(?1))");
  if (!s) return unexpected(s.error());
  for (const auto& p : partners)
    if (auto r = (*s)->bind(1, p).run(); !r) return r;
  return {};
}

namespace {

// Attempts in flight on the partner's coupling, every instance's (index deliveries_in_flight).
Result<int64_t> inFlightOnCoupling(Db& db, std::optional<Stmt>& slot, const std::string& partner) {
  auto s = db.preparedOnce(slot,
                           "SELECT COUNT(*) FROM deliveries WHERE partner=?1 AND "
                           "state='in_flight' AND channel_index=0");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, partner);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  const int64_t n = *row ? (*s)->int64(0) : 0;
  (*s)->reset();
  return n;
}

}  // namespace

Result<int> SqlStore::couplingRoom(const std::string& partner, int limit) {
  auto cap = capOf(partner);
  if (!cap) return limit;
  auto n = inFlightOnCoupling(wdb_, coupling_in_flight_, partner);
  if (!n) return unexpected(n.error());
  return static_cast<int>(std::clamp<int64_t>(*cap - *n, 0, limit));
}

Result<bool> SqlStore::couplingFull(const std::string& partner) {
  auto cap = capOf(partner);
  if (!cap) return false;
  auto n = inFlightOnCoupling(rdb_, read_in_flight_, partner);
  if (!n) return unexpected(n.error());
  return *n >= *cap;
}

void SqlStore::submitCircuit(std::string partner, std::string state, int64_t hold_until_ms,
                             int64_t now_ms, std::function<void(Result<void>)> done) {
  enqueue(CircuitOp{std::move(partner), std::move(state), hold_until_ms, now_ms, std::move(done)});
}

Result<void> SqlStore::applyCircuit(CircuitOp& op) {
  if (opts_.lease_ms <= 0) return {};
  auto s = wdb_.preparedOnce(
      circuit_,
      "INSERT INTO partner_circuits(partner,state,hold_until,instance,changed_at) "
      "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(partner) DO UPDATE SET state=excluded.state,"
      "hold_until=excluded.hold_until,instance=excluded.instance,changed_at=excluded.changed_at");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, op.partner).bind(2, op.state).bind(3, op.hold_until_ms);
  (*s)->bind(4, opts_.instance_id).bind(5, op.now_ms);
  return (*s)->run();
}

Result<std::map<std::string, int64_t>> SqlStore::heldCircuits(int64_t now_ms) {
  std::map<std::string, int64_t> held;
  if (opts_.lease_ms <= 0) return held;
  std::lock_guard<std::mutex> lock(read_mu_);
  auto s = rdb_.preparedOnce(held_circuits_,
                             "SELECT partner,hold_until FROM partner_circuits WHERE "
                             "hold_until>?1 AND instance<>?2 AND state<>'closed'");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, now_ms).bind(2, opts_.instance_id);
  for (;;) {
    auto row = (*s)->step();
    if (!row) {
      (*s)->reset();
      return unexpected(row.error());
    }
    if (!*row) break;
    held[(*s)->text(0)] = (*s)->int64(1);
  }
  (*s)->reset();
  return held;
}

}  // namespace hub::store
