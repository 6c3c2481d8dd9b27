// SqliteStore: operator actions, applied by the writer thread in the group commit like every
// other operation (replay of dead deliveries, pause and resume of a partner, intake again for a
// quarantined event). Rare: their statements are prepared per use.
#include <sqlite3.h>

#include <algorithm>

#include "hub/core/error_codes.h"
#include "hub/store/sqlite_store.h"

namespace hub::store {

Result<void> SqliteStore::applyReplay(ReplayOp& op) {
  // Back to the partner's coupling with the same delivery id (partners drop duplicates), a new
  // deadline, the chain from its start; the stored signed product, if any, is sent again.
  auto s = wdb_.prepare(
      "UPDATE deliveries SET state='pending',next_at=?4,deadline_at=?3,channel_index=0,"
      "current_channel='',channel_attempts=0,final_at=NULL,updated_at=?2,"
      "reason='replayed by an operator' WHERE delivery_id=?1 AND state='dead'");
  if (!s) return unexpected(s.error());
  op.count = 0;
  for (const auto& r : op.replays) {
    s->bind(1, r.delivery_id).bind(2, op.now_ms).bind(3, r.deadline_at);
    s->bind(4, std::max(r.next_at, op.now_ms));
    if (auto x = s->run(); !x) return x;
    op.count += wdb_.changes();
  }
  return {};
}

Result<void> SqliteStore::applyPause(PauseOp& op) {
  auto s = op.paused
               ? wdb_.prepare(
                     "INSERT INTO partner_pauses(partner,paused_at,paused_by) VALUES(?1,?2,?3) "
                     "ON CONFLICT(partner) DO NOTHING")
               : wdb_.prepare("DELETE FROM partner_pauses WHERE partner=?1");
  if (!s) return unexpected(s.error());
  s->bind(1, op.partner);
  if (op.paused) s->bind(2, op.now_ms).bind(3, op.by);
  return s->run();
}

Result<void> SqliteStore::applyReplayEvent(ReplayEventOp& op) {
  const auto& r = op.rec;
  auto find = wdb_.prepare("SELECT id FROM events WHERE message_id=?1 AND state='quarantined'");
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
  find->reset();
  auto upd =
      wdb_.prepare("UPDATE events SET state=?2,reason=?3,event_type=?4,case_id=?5 WHERE id=?1");
  if (!upd) return unexpected(upd.error());
  upd->bind(1, event_id).bind(2, r.quarantined ? "quarantined" : "accepted");
  if (r.quarantined)
    upd->bind(3, r.reason);
  else
    upd->bindNull(3);
  upd->bind(4, r.env.event_type).bind(5, r.env.case_id);
  if (auto x = upd->run(); !x) return x;
  op.status = r.quarantined ? IntakeStatus::kQuarantined : IntakeStatus::kStored;
  return insertPlanned(event_id, r);
}

}  // namespace hub::store
