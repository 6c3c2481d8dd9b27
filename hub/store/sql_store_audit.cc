// SqlStore: the audit records of every operation, built on the writer thread from what the
// operation actually did (a duplicate is recorded as one, a refused replay not at all) and
// written to the trail in the group commit, before the database commit.
#include "hub/core/delivery_state.h"
#include "hub/core/error_codes.h"
#include "hub/store/sql_store.h"

namespace hub::store {
namespace {

AuditRecord eventRecord(const IntakeRecord& rec, const char* action, int64_t at) {
  AuditRecord a;
  a.at_ms = at;
  a.action = action;
  a.message_id = rec.env.message_id;
  a.case_id = rec.env.case_id;
  a.user = rec.env.actor;
  a.access_point = rec.env.peer;
  a.person = rec.person_hash;
  return a;
}

std::string channelOf(const std::string& fallback) {
  return fallback.empty() ? "coupling" : fallback;
}

}  // namespace

void SqlStore::auditIntake(const IntakeRecord& rec, IntakeStatus status, const Actor* replayed_by) {
  int64_t at = replayed_by ? clock_.nowMs() : rec.env.received_at_ms;
  auto a = eventRecord(rec, replayed_by ? "replayed" : "received", at);
  if (replayed_by) {
    a.user = replayed_by->user;
    a.access_point = replayed_by->access_point;
  }
  a.outcome = status == IntakeStatus::kDuplicate     ? "duplicate"
              : status == IntakeStatus::kQuarantined ? "quarantined"
                                                     : "accepted";
  a.detail = "event_type=" + rec.env.event_type + ";source=" + rec.env.source;
  audit_.push_back(std::move(a));
  if (status == IntakeStatus::kDuplicate) return;
  if (status == IntakeStatus::kQuarantined) {
    auto q = eventRecord(rec, "quarantined", at);
    q.outcome = "quarantined";
    q.reason = rec.reason;
    audit_.push_back(std::move(q));
    return;
  }
  for (const auto& d : rec.deliveries) {
    auto r = eventRecord(rec, "routed", at);
    r.outcome = "planned";
    r.partner = d.partner;
    r.product = d.product;
    r.delivery_id = d.delivery_id;
    audit_.push_back(std::move(r));
  }
  for (const auto& note : rec.history) {
    if (note.rfind("not planned ", 0) != 0) continue;
    auto r = eventRecord(rec, "routed", at);
    r.outcome = "not_planned";
    r.reason = note;
    audit_.push_back(std::move(r));
  }
}

void SqlStore::auditClaim(const ClaimDueOp& op) {
  if (op.kind == ClaimKind::kOverdue) return;  // moved along the chain: its result records it
  for (const auto& d : op.claimed) {
    AuditRecord a;
    a.at_ms = op.now_ms;
    a.action = "attempt";
    a.outcome = "started";
    a.message_id = d.message_id;
    a.case_id = d.case_id;
    a.user = d.actor;
    a.person = d.person_hash;
    a.partner = d.partner;
    a.product = d.product;
    a.delivery_id = d.delivery_id;
    a.channel = channelOf(d.channel);
    a.detail = "attempt=" + std::to_string(d.attempts + 1);
    audit_.push_back(std::move(a));
  }
}

// A record about one delivery (by id, or by seq when the id is empty), with its event's fields.
Result<AuditRecord> SqlStore::deliveryRecord(const std::string& delivery_id, int64_t seq) {
  auto& q = ws_.audit_delivery;
  q.bind(1, seq).bind(2, delivery_id);
  auto row = q.step();
  if (!row) {
    q.reset();
    return unexpected(row.error());
  }
  AuditRecord a;
  if (*row) {
    a.delivery_id = q.text(0);
    a.partner = q.text(1);
    a.product = q.text(2);
    a.case_id = q.text(3);
    a.message_id = q.text(4);
    a.user = q.text(5);
    a.person = q.text(6);
  }
  q.reset();
  return a;
}

Result<void> SqlStore::auditResult(const AttemptResult& r) {
  auto base = deliveryRecord("", r.seq);
  if (!base) return unexpected(base.error());
  base->at_ms = r.finished_at;
  auto push = [&](const char* action, std::string outcome, std::string channel, std::string reason,
                  std::string detail) {
    AuditRecord a = *base;
    a.action = action;
    a.outcome = std::move(outcome);
    a.channel = std::move(channel);
    a.reason = std::move(reason);
    a.detail = std::move(detail);
    audit_.push_back(std::move(a));
  };
  if (!r.product_sha256.empty()) {
    push("mapped", "ok", "", "", "");
    push("signed", "ok", "", "", "sha256=" + r.product_sha256);
  }
  if (r.attempt > 0)
    push("transfer", r.outcome, r.channel, r.reason,
         "attempt=" + std::to_string(r.attempt) +
             (r.http_status ? ";http_status=" + std::to_string(r.http_status) : ""));
  switch (r.new_state) {
    case DeliveryState::kDelivered:
      push(r.channel == "print" ? "printed" : "delivered", "delivered", r.channel, "", "");
      break;
    case DeliveryState::kDead:
      push("dead", "dead", r.channel, r.reasons.empty() ? r.reason : r.reasons, "");
      break;
    default:
      if (r.channel_switched)
        push("fallback", "switched", r.next_channel, r.reason, "from=" + r.channel);
      break;
  }
  return {};
}

Result<void> SqlStore::auditOutboxSent(int64_t outbox_id, int64_t now_ms) {
  auto& q = ws_.audit_outbox;
  q.bind(1, outbox_id);
  auto row = q.step();
  if (!row) {
    q.reset();
    return unexpected(row.error());
  }
  if (!*row) {
    q.reset();
    return {};
  }
  std::string kind = q.text(0);
  int64_t seq = q.isNull(1) ? 0 : q.int64(1);
  q.reset();
  AuditRecord a;
  if (seq > 0) {
    auto base = deliveryRecord("", seq);
    if (!base) return unexpected(base.error());
    a = std::move(*base);
  }
  a.at_ms = now_ms;
  a.action = "notified";
  a.outcome = "published";
  a.detail = "kind=" + kind + ";outbox_id=" + std::to_string(outbox_id);
  audit_.push_back(std::move(a));
  return {};
}

Result<void> SqlStore::auditInterrupted() {
  if (!opts_.audit) return {};
  auto q = wdb_.prepare("SELECT seq,current_channel FROM deliveries WHERE state='in_flight'");
  if (!q) return unexpected(q.error());
  std::vector<std::pair<int64_t, std::string>> seqs;
  for (;;) {
    auto row = q->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    seqs.emplace_back(q->int64(0), q->text(1));
  }
  q->reset();
  std::vector<AuditRecord> recs;
  for (const auto& [seq, channel] : seqs) {
    auto a = deliveryRecord("", seq);
    if (!a) return unexpected(a.error());
    a->at_ms = clock_.nowMs();
    a->action = "transfer";
    a->outcome = "interrupted";
    a->channel = channelOf(channel);
    a->reason = "hub stopped during the attempt; it is tried again";
    recs.push_back(std::move(*a));
  }
  return opts_.audit->append(recs);
}

Result<void> SqlStore::writeAudit() {
  if (!opts_.audit || audit_.empty()) return {};
  return opts_.audit->append(audit_);
}

}  // namespace hub::store
