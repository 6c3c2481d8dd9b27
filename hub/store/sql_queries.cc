#include "hub/store/sql_queries.h"

namespace hub::store::sql {
namespace {

constexpr const char* kWaiting = "('pending','retry_wait')";

// A paused partner's deliveries are not claimed on any channel (they wait; nothing is lost).
constexpr const char* kNotPaused = "d.partner NOT IN (SELECT partner FROM partner_pauses)";

// The claim does not carry the event's body (column 14 is empty: the worker loads it).
std::string dueColumns(Dialect d) {
  return std::string(
             "SELECT d.seq,d.delivery_id,d.partner,d.product,d.case_id,d.attempts,d.deadline_at,"
             "d.created_at,e.message_id,e.event_type,e.actor,e.correlation_id,e.event_xml,"
             "e.received_at,") +
         emptyBlob(d) +
         ",e.content_type,d.channel_index,d.current_channel,d.channel_attempts,"
         "COALESCE(d.legal_deadline_at,0),d.reasons,pr.signed,COALESCE(d.product_sha256,''),"
         "e.peer,e.person_hash "
         "FROM deliveries d JOIN events e ON e.id=d.event_id "
         "LEFT JOIN products pr ON pr.delivery_seq=d.seq ";
}

// SQLite's planner needs to be told the index of a few queries (see each); PostgreSQL's
// chooses the partial index itself, helped by the forms below (query_plan_test.cc checks SQLite's
// plans, pg_query_plan_test.cc PostgreSQL's).
std::string indexedBy(Dialect d, const char* index) {
  return d == Dialect::kSqlite ? std::string(" INDEXED BY ") + index : std::string();
}

// Per-case order: an earlier delivery of the same (partner, case) still on the coupling holds
// this one back. On PostgreSQL, `OFFSET 0` keeps the check a subplan run per candidate row (one
// seek in deliveries_case, and only for the rows the index walk reaches before LIMIT); without
// it the planner turns it into an anti-join that reads every waiting delivery of the partner
// first, which it picks on a store that was empty when the statement was prepared.
std::string heldBackByCase(Dialect d) {
  return std::string(
             "NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.partner=d.partner AND "
             "p.case_id=d.case_id AND p.seq<d.seq AND p.channel_index=0 AND "
             "p.state NOT IN ('delivered','dead','fallback')") +
         (d == Dialect::kPostgres ? " OFFSET 0)" : ")");
}

}  // namespace

// A later delivery of the same (partner, case) waits until every earlier one is delivered, moved
// on to a fallback channel or is dead. Index deliveries_due, in its order (on PostgreSQL its last
// column, seq, gives the ORDER BY without a sort).
std::string due(Dialect dialect) {
  return dueColumns(dialect) + "WHERE d.partner=?1 AND d.state IN " + kWaiting +
         " AND d.next_at<=?2 AND " + kNotPaused + " AND " + heldBackByCase(dialect) +
         " ORDER BY d.next_at, d.seq LIMIT ?3";
}

// No case order: they leave the coupling, which unblocks the case. Run once a second for a
// partner whose circuit is open: index deliveries_overdue, in its order (deadline, then seq), so
// that a million waiting, or a million overdue at once, cost a seek and `limit` rows.
std::string overdue(Dialect dialect) {
  return dueColumns(dialect) + "WHERE d.partner=?1 AND d.state IN " + kWaiting +
         " AND d.deadline_at<=?2 AND " + kNotPaused + " ORDER BY d.deadline_at, d.seq LIMIT ?3";
}

// Index deliveries_fallback, in its order.
std::string fallbackDue(Dialect dialect) {
  return dueColumns(dialect) +
         "WHERE d.state='fallback' AND d.current_channel=?1 AND d.next_at<=?2 AND " + kNotPaused +
         " ORDER BY d.next_at, d.seq LIMIT ?3";
}

// Without INDEXED BY the planner prefers deliveries_state (an equality on state) and reads every
// waiting delivery; deliveries_next answers with one seek. On PostgreSQL deliveries_next also
// requires next_at>=0, which only this query states: otherwise the planner takes it for the
// per-partner queries too (a walk of every waiting delivery, filtered by partner).
std::string nextDue(Dialect d) {
  return "SELECT MIN(next_at) FROM deliveries" + indexedBy(d, "deliveries_next") +
         " WHERE state IN ('pending','retry_wait','fallback')" +
         (d == Dialect::kPostgres ? " AND next_at>=0" : "");
}

// deliveries_due (partner, next_at) in its order, up to the first delivery per-case order lets go
// (the due query's condition): one held back by an earlier delivery of its case becomes
// claimable only when that one ends, and its end wakes the scheduler; counting it would make the
// scheduler loop every millisecond meanwhile.
std::string nextDueOfPartner(Dialect d) {
  return "SELECT d.next_at FROM deliveries d" + indexedBy(d, "deliveries_due") +
         " WHERE d.partner=?1 AND "
         "d.state IN ('pending','retry_wait') AND ?1 NOT IN (SELECT partner FROM partner_pauses) "
         "AND " +
         heldBackByCase(d) + " ORDER BY d.next_at LIMIT 1";
}

// deliveries_fallback (current_channel, next_at) in its order, up to the first delivery of a
// partner that is not paused.
std::string nextDueOfChannel(Dialect d) {
  return "SELECT next_at FROM deliveries" + indexedBy(d, "deliveries_fallback") +
         " WHERE state='fallback' "
         "AND current_channel=?1 AND partner NOT IN (SELECT partner FROM partner_pauses) "
         "ORDER BY next_at LIMIT 1";
}

// The counts from delivery_counts (kept by triggers); the oldest per (state, partner) with one
// seek in deliveries_state; the legal-deadline counts from covering partial indexes
// (deliveries_legal_half, deliveries_dead_legal): they read only the deliveries counted.
std::string counts(Dialect) {
  return "SELECT c.partner,c.state,SUM(c.n),"
         "(SELECT MIN(d.created_at) FROM deliveries d WHERE d.state=c.state AND "
         "d.partner=c.partner),"
         "(SELECT COUNT(*) FROM deliveries d WHERE d.partner=c.partner AND d.state=c.state AND "
         "d.state<>'delivered' AND d.legal_deadline_at IS NOT NULL AND "
         "COALESCE(d.legal_start_at, d.created_at) + "
         "(d.legal_deadline_at - COALESCE(d.legal_start_at, d.created_at)) / 2 < ?1),"
         "CASE WHEN c.state='dead' THEN (SELECT COUNT(*) FROM deliveries d WHERE "
         "d.partner=c.partner AND d.state='dead' AND d.legal_deadline_at IS NOT NULL AND "
         "d.legal_deadline_at > ?1) ELSE 0 END "
         "FROM delivery_counts c GROUP BY c.partner,c.state HAVING SUM(c.n)>0";
}

std::string channelCounts(Dialect) {
  return "SELECT partner,channel,state,n FROM delivery_counts "
         "WHERE state IN ('delivered','dead') AND n>0";
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
  d.channel_index = static_cast<int>(s.int64(16));
  d.channel = s.text(17);
  d.channel_attempts = static_cast<int>(s.int64(18));
  d.legal_deadline_at = s.int64(19);
  d.reasons = s.text(20);
  d.signed_product = s.text(21);
  d.product_sha256 = s.text(22);
  d.peer = s.text(23);
  d.person_hash = s.text(24);
  return d;
}

}  // namespace hub::store::sql
