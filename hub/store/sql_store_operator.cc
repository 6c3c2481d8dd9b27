// SqlStore: operator actions, applied by the writer thread in the group commit like every
// other operation (replay of dead deliveries, pause and resume of a partner, intake again for a
// quarantined event). Rare: their statements are prepared per use.

#include <algorithm>

#include "hub/core/error_codes.h"
#include "hub/store/sql_store.h"

namespace hub::store {

void SqlStore::submitReplay(std::vector<ReplayRequest> replays, int64_t now_ms, Actor by,
                            std::function<void(Result<int64_t>)> done) {
  enqueue(ReplayOp{std::move(replays), now_ms, std::move(by), std::move(done)});
}
void SqlStore::submitPause(std::string partner, bool paused, Actor by, int64_t now_ms,
                           std::function<void(Result<void>)> done) {
  enqueue(PauseOp{std::move(partner), paused, std::move(by), now_ms, std::move(done)});
}
void SqlStore::submitReplayEvent(IntakeRecord rec, Actor by,
                                 std::function<void(Result<IntakeStatus>)> done) {
  enqueue(ReplayEventOp{std::move(rec), std::move(done), IntakeStatus::kStored, std::nullopt, 0,
                        std::move(by)});
}
void SqlStore::submitApproveProposal(int64_t proposal_id, Actor approved_by, IntakeRecord rec,
                                     std::function<void(Result<IntakeStatus>)> done) {
  enqueue(ReplayEventOp{std::move(rec), std::move(done), IntakeStatus::kStored, std::nullopt,
                        proposal_id, std::move(approved_by)});
}
void SqlStore::submitPropose(Proposal p, Actor by, std::function<void(Result<int64_t>)> done) {
  enqueue(ProposeOp{std::move(p), std::move(by), std::move(done), 0, std::nullopt});
}

Result<void> SqlStore::applyReplay(ReplayOp& op) {
  // Back to the partner's coupling with the same delivery id (partners drop duplicates), a new
  // deadline, the chain from its start; the stored signed product, if any, is sent again. Not once
  // retention purged its event's body (and with it the product): there is nothing to send.
  auto s = wdb_.prepare(
      "UPDATE deliveries SET state='pending',next_at=?4,deadline_at=?3,channel_index=0,"
      "current_channel='',channel_attempts=0,final_at=NULL,updated_at=?2,"
      "reason='replayed by an operator' WHERE delivery_id=?1 AND state='dead' AND NOT EXISTS "
      "(SELECT 1 FROM events e WHERE e.id=deliveries.event_id AND e.payload_purged_at IS NOT "
      "NULL)");
  if (!s) return unexpected(s.error());
  op.count = 0;
  for (const auto& r : op.replays) {
    s->bind(1, r.delivery_id).bind(2, op.now_ms).bind(3, r.deadline_at);
    s->bind(4, std::max(r.next_at, op.now_ms));
    if (auto x = s->run(); !x) return x;
    if (wdb_.changes() == 0) continue;
    ++op.count;
    auto a = deliveryRecord(r.delivery_id, 0);
    if (!a) return unexpected(a.error());
    a->at_ms = op.now_ms;
    a->action = "replayed";
    a->outcome = "pending";
    a->user = op.by.user;
    a->access_point = op.by.access_point;
    a->reason = "dead delivery put back on its partner's coupling";
    audit_.push_back(std::move(*a));
  }
  return {};
}

Result<void> SqlStore::applyPause(PauseOp& op) {
  auto s = op.paused
               ? wdb_.prepare(
                     "INSERT INTO partner_pauses(partner,paused_at,paused_by) VALUES(?1,?2,?3) "
                     "ON CONFLICT(partner) DO NOTHING")
               : wdb_.prepare("DELETE FROM partner_pauses WHERE partner=?1");
  if (!s) return unexpected(s.error());
  s->bind(1, op.partner);
  if (op.paused) s->bind(2, op.now_ms).bind(3, op.by.user);
  if (auto x = s->run(); !x) return x;
  AuditRecord a;
  a.at_ms = op.now_ms;
  a.action = op.paused ? "paused" : "resumed";
  a.outcome = wdb_.changes() > 0 ? "changed" : "unchanged";
  a.user = op.by.user;
  a.access_point = op.by.access_point;
  a.partner = op.partner;
  audit_.push_back(std::move(a));
  return {};
}

Result<void> SqlStore::applyReplayEvent(ReplayEventOp& op) {
  const auto& r = op.rec;
  auto find = wdb_.prepare(
      "SELECT id,payload_purged_at IS NOT NULL FROM events WHERE message_id=?1 AND "
      "state='quarantined'");
  if (!find) return unexpected(find.error());
  find->bind(1, r.env.message_id);
  auto row = find->step();
  if (!row) return unexpected(row.error());
  if (!*row) {
    // Refused, not failed: the rest of the batch commits (a failed apply would roll it back).
    op.refused = Error{errc::kInvalidInput, "no quarantined event with that message-id"};
    find->reset();
    return {};
  }
  int64_t event_id = find->int64(0);
  bool purged = find->int64(1) != 0;
  find->reset();
  if (purged) {
    op.refused = Error{errc::kInvalidInput, "payload purged by retention"};
    return {};
  }
  if (op.proposal_id > 0) {
    // An approved correction: the proposal must be open, for this event, and approved by another
    // operator than the one who proposed it.
    auto pr = wdb_.prepare(
        "UPDATE quarantine_proposals SET approved_by=?2,approved_at=?3 WHERE id=?1 AND "
        "message_id=?4 AND approved_by IS NULL AND proposed_by<>?2");
    if (!pr) return unexpected(pr.error());
    pr->bind(1, op.proposal_id).bind(2, op.by.user).bind(3, r.env.received_at_ms);
    pr->bind(4, r.env.message_id);
    if (auto x = pr->run(); !x) return x;
    if (wdb_.changes() == 0) {
      op.refused = Error{errc::kInvalidInput,
                         "no open proposal with that id for this event, or approved by its "
                         "proposer (four eyes: another operator must approve)"};
      return {};
    }
    auto body = wdb_.prepare("UPDATE events SET body=?2 WHERE id=?1");
    if (!body) return unexpected(body.error());
    body->bind(1, event_id).bindBlob(2, r.env.body);
    if (auto x = body->run(); !x) return x;
    AuditRecord a;
    a.at_ms = r.env.received_at_ms;
    a.action = "approved";
    a.outcome = "approved";
    a.message_id = r.env.message_id;
    a.case_id = r.env.case_id;
    a.user = op.by.user;
    a.access_point = op.by.access_point;
    a.person = r.person_hash;
    a.reason = "four-eyes correction of a quarantined event";
    a.detail = "proposal_id=" + std::to_string(op.proposal_id) + ";" + op.by.detail;
    audit_.push_back(std::move(a));
  }
  auto upd = wdb_.prepare(
      "UPDATE events SET state=?2,reason=?3,event_type=?4,case_id=?5,person_hash=?6 WHERE id=?1");
  if (!upd) return unexpected(upd.error());
  upd->bind(1, event_id).bind(2, r.quarantined ? "quarantined" : "accepted");
  if (r.quarantined)
    upd->bind(3, r.reason);
  else
    upd->bindNull(3);
  upd->bind(4, r.env.event_type).bind(5, r.env.case_id).bind(6, r.person_hash);
  if (auto x = upd->run(); !x) return x;
  op.status = r.quarantined ? IntakeStatus::kQuarantined : IntakeStatus::kStored;
  return insertPlanned(event_id, op.rec, op.status, &op.by);
}

Result<void> SqlStore::applyPropose(ProposeOp& op) {
  auto find = wdb_.prepare(
      "SELECT body,case_id,payload_purged_at IS NOT NULL FROM events WHERE message_id=?1 AND "
      "state='quarantined'");
  if (!find) return unexpected(find.error());
  find->bind(1, op.p.message_id);
  auto row = find->step();
  if (!row) return unexpected(row.error());
  if (!*row) {
    op.refused = Error{errc::kInvalidInput, "no quarantined event with that message-id"};
    find->reset();
    return {};
  }
  std::string original = find->text(0);
  std::string case_id = find->text(1);
  bool purged = find->int64(2) != 0;
  find->reset();
  if (purged) {
    op.refused = Error{errc::kInvalidInput, "payload purged by retention"};
    return {};
  }
  auto ins = wdb_.prepare(
      "INSERT INTO quarantine_proposals(message_id,original,corrected,proposed_by,proposed_at) "
      "VALUES(?1,?2,?3,?4,?5) RETURNING id");
  if (!ins) return unexpected(ins.error());
  ins->bind(1, op.p.message_id).bindBlob(2, original).bindBlob(3, op.p.corrected);
  ins->bind(4, op.p.proposed_by).bind(5, op.p.proposed_at);
  auto inserted = ins->step();
  if (!inserted) return unexpected(inserted.error());
  if (!*inserted) return unexpected(errc::kStore, "proposal not inserted");
  op.id = ins->int64(0);
  ins->reset();
  AuditRecord a;
  a.at_ms = op.p.proposed_at;
  a.action = "proposed";
  a.outcome = "open";
  a.message_id = op.p.message_id;
  a.case_id = case_id;
  a.user = op.by.user;
  a.access_point = op.by.access_point;
  a.reason = "correction of a quarantined event proposed (four eyes: another operator approves)";
  a.detail = "proposal_id=" + std::to_string(op.id) + ";" + op.by.detail;
  audit_.push_back(std::move(a));
  return {};
}

}  // namespace hub::store
