// SqlStore: payload retention. One purge is one bounded batch, applied by the writer thread in
// the group commit like every other operation, inside a savepoint: a purge that fails is rolled
// back alone and reported to its caller (who tries again at its next run), and the rest of the
// group commit goes ahead. Rare: statements are prepared per use.
#include "hub/core/time_format.h"
#include "hub/store/sql_queries.h"
#include "hub/store/sql_store.h"

namespace hub::store {
namespace {

// The events whose body may go (?1: before_ms, ?2: limit). An accepted event once every delivery
// of it is final and the newest final state is older than the cut-off (without deliveries: its
// receipt); a quarantined event never reaches a final state: its body stays for the operators to
// fix and replay it until its receipt and the latest proposal or approval for it are older.
std::string dueEvents(Dialect d) {
  return std::string(
             "SELECT e.id FROM events e WHERE e.payload_purged_at IS NULL AND e.received_at<?1 "
             "AND ((e.state='quarantined' AND NOT EXISTS (SELECT 1 FROM quarantine_proposals q "
             "WHERE q.message_id=e.message_id AND ") +
         sql::greatest(d) +
         "(q.proposed_at,COALESCE(q.approved_at,0))>=?1)) OR "
         "(e.state<>'quarantined' AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE "
         "d.event_id=e.id AND (d.state NOT IN ('delivered','dead') OR "
         "COALESCE(d.final_at,d.updated_at)>=?1)))) "
         "ORDER BY e.received_at LIMIT ?2";
}

// Signed products that may go: a delivered one's once it is older than the cut-off (a delivered
// delivery is never sent again); a dead one's with its event's body (until then a replay sends
// the same signed bytes). Scans the products (CROSS JOIN: products first), which retention keeps
// few, rather than every final delivery ever made.
constexpr const char* kDueProducts =
    "DELETE FROM products WHERE delivery_seq IN (SELECT p.delivery_seq FROM products p CROSS "
    "JOIN deliveries d WHERE d.seq=p.delivery_seq AND d.state IN ('delivered','dead') AND "
    "COALESCE(d.final_at,d.updated_at)<?1 AND (d.state='delivered' OR EXISTS (SELECT 1 FROM "
    "events e WHERE e.id=d.event_id AND e.payload_purged_at IS NOT NULL)) LIMIT ?2)";

// Published status notifications and dead letters sent before the cut-off (unpublished ones wait
// for the broker, however old).
constexpr const char* kDueOutbox =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NOT NULL AND "
    "sent_at<?1 ORDER BY sent_at LIMIT ?2)";

}  // namespace

void SqlStore::submitPurgePayloads(int64_t before_ms, int64_t now_ms, int limit,
                                   std::function<void(Result<PurgeCounts>)> done) {
  enqueue(PurgeOp{before_ms, now_ms, limit, std::move(done), {}, std::nullopt});
}

Result<void> SqlStore::applyPurge(PurgeOp& op) {
  // Failed in an earlier try of this group commit: already reported, not tried again now.
  if (op.failed) return {};
  op.counts = {};
  if (auto x = wdb_.exec("SAVEPOINT retention"); !x) {
    op.failed = x.error();
    return {};
  }
  auto r = purgeBatch(op);
  if (r) return wdb_.exec("RELEASE retention");
  op.failed = r.error();
  op.counts = {};
  bool undone = wdb_.exec("ROLLBACK TO retention") && wdb_.exec("RELEASE retention");
  // Some errors (a full disk, I/O) end the whole transaction: then the group commit is tried
  // again, without this purge.
  if (!undone || !wdb_.inTransaction()) return unexpected(r.error());
  return {};
}

Result<void> SqlStore::purgeBatch(PurgeOp& op) {
  auto events = wdb_.prepare(
      std::string("UPDATE events SET body=NULL,event_xml=NULL,payload_purged_at=?3 WHERE id IN (") +
      dueEvents(wdb_.dialect()) + ")");
  if (!events) return unexpected(events.error());
  events->bind(1, op.before_ms).bind(2, op.limit).bind(3, op.now_ms);
  if (auto x = events->run(); !x) return x;
  op.counts.events = wdb_.changes();
  // The proposals of the purged events (few: only quarantined events have them).
  auto proposals = wdb_.prepare(
      std::string("UPDATE quarantine_proposals SET original=") + sql::emptyBlob(wdb_.dialect()) +
      ",corrected=" + sql::emptyBlob(wdb_.dialect()) +
      " WHERE (length(original)>0 OR length(corrected)>0) AND EXISTS (SELECT 1 FROM events e WHERE "
      "e.message_id=quarantine_proposals.message_id AND e.payload_purged_at IS NOT NULL)");
  if (!proposals) return unexpected(proposals.error());
  if (auto x = proposals->run(); !x) return x;
  op.counts.proposals = wdb_.changes();
  auto products = wdb_.prepare(kDueProducts);
  if (!products) return unexpected(products.error());
  products->bind(1, op.before_ms).bind(2, op.limit);
  if (auto x = products->run(); !x) return x;
  op.counts.products = wdb_.changes();
  auto outbox = wdb_.prepare(kDueOutbox);
  if (!outbox) return unexpected(outbox.error());
  outbox->bind(1, op.before_ms).bind(2, op.limit);
  if (auto x = outbox->run(); !x) return x;
  op.counts.outbox = wdb_.changes();
  const PurgeCounts& c = op.counts;
  op.counts.more = c.events >= op.limit || c.products >= op.limit || c.outbox >= op.limit;
  if (c.events + c.proposals + c.products + c.outbox == 0) return {};
  // One record per batch: what kind of payload went and how much, never whose.
  AuditRecord a;
  a.at_ms = op.now_ms;
  a.action = "payload_purged";
  a.outcome = "purged";
  a.user = "ketenhub";
  a.reason = "retention.payload_days";
  a.detail = "events=" + std::to_string(c.events) + ";proposals=" + std::to_string(c.proposals) +
             ";products=" + std::to_string(c.products) + ";outbox=" + std::to_string(c.outbox) +
             ";before=" + formatRfc3339Utc(op.before_ms);
  audit_.push_back(std::move(a));
  return {};
}

}  // namespace hub::store
