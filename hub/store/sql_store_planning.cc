// SqlStore: an event's planning, applied in its intake transaction (intake, and replay of a
// quarantined event). A delivery may wait on the case's own history (a route's delivered_before
// condition, e.g. the PvP's end notice on its start notice): the intake decision is pure, so the
// store decides it here, against what is committed for the case (and what earlier operations of
// the same batch wrote). The outcome is a routing note, never an error: an error would roll back
// and retry the whole batch.
#include "hub/store/sql_store.h"

namespace hub::store {

// The earlier delivery of (case, partner, product) that a delivered_before condition names: any
// state counts. Pending, in flight, waiting for a retry or on a fallback channel, the partner will
// have it, and a later delivery of the same (partner, case) leaves only after it (case order).
// A dead one counts too: the patient's consent was given, and an operator either replays it or
// informs the partner otherwise; an end notice lost for good would be worse than one whose start
// notice came late. The note says so.
Result<void> SqlStore::resolvePriorDeliveries(IntakeRecord& rec) {
  bool any = false;
  for (const auto& d : rec.deliveries) any |= !d.requires_prior.empty();
  if (!any) return {};
  if (!prior_delivery_) {
    auto s = wdb_.prepare(
        "SELECT delivery_id,state FROM deliveries WHERE partner=?1 AND case_id=?2 AND product=?3 "
        "ORDER BY state='dead', seq DESC LIMIT 1");
    if (!s) return unexpected(s.error());
    prior_delivery_ = std::move(*s);
  }
  auto& q = *prior_delivery_;
  std::vector<PlannedDelivery> planned;
  for (auto& d : rec.deliveries) {
    std::string missing, found;
    for (const auto& p : d.requires_prior) {
      q.bind(1, p.partner).bind(2, rec.env.case_id).bind(3, p.product);
      auto row = q.step();
      if (!row) {
        q.reset();
        return unexpected(row.error());
      }
      std::string what = p.partner + "/" + p.product;
      if (!*row) {
        q.reset();
        missing = what;
        break;
      }
      std::string state = q.text(1);
      found += (found.empty() ? "" : ", ") + what + " " + q.text(0) + " (" + state +
               (state == "dead" ? ": the partner may not have it, see that delivery" : "") + ")";
      q.reset();
    }
    std::string name = d.partner + "/" + d.product;
    if (!missing.empty()) {
      rec.history.push_back("not planned " + name + ": no delivery " + missing +
                            " for this case before this event");
      continue;
    }
    if (!d.requires_prior.empty())
      rec.history.push_back("condition of " + name + " holds: this case has delivery " + found);
    d.requires_prior.clear();  // decided: a retried batch keeps this outcome
    planned.push_back(std::move(d));
  }
  rec.deliveries = std::move(planned);
  return {};
}

Result<void> SqlStore::insertPlanned(int64_t event_id, IntakeRecord& r, IntakeStatus status,
                                     const Actor* replayed_by) {
  if (auto x = resolvePriorDeliveries(r); !x) return x;
  auditIntake(r, status, replayed_by);
  const auto& e = r.env;
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

}  // namespace hub::store
