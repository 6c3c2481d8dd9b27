// SqlStore: reads. The scheduler's, the workers' and the outbox relay's on the reader
// connection (read_mu_); the operators' views on a connection of their own (views_mu_).
#include "hub/core/error_codes.h"
#include "hub/store/sql_queries.h"
#include "hub/store/sql_store.h"

namespace hub::store {
namespace {
// How often a scheduler whose partner is at its cap over all instances looks again.
constexpr int64_t kClusterCapPollMs = 50;
}  // namespace

Result<std::string> SqlStore::eventBody(int64_t delivery_seq) {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto& s = body_stmt_;
  s.bind(1, delivery_seq);
  auto row = s.step();
  if (!row) {
    s.reset();
    return unexpected(row.error());
  }
  if (!*row) {
    s.reset();
    return unexpected(errc::kStore, "no delivery " + std::to_string(delivery_seq));
  }
  std::string body = s.text(0);
  int64_t purged_at = s.int64(1);
  s.reset();
  // Never an empty body in its place: building from it would fail less clearly.
  if (purged_at > 0) return unexpected(errc::kStore, "payload purged by retention");
  return body;
}

Result<std::optional<int64_t>> SqlStore::nextDueAt() {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto row = next_due_stmt_.step();
  if (!row) return unexpected(row.error());
  std::optional<int64_t> v;
  if (*row && !next_due_stmt_.isNull(0)) v = next_due_stmt_.int64(0);
  next_due_stmt_.reset();
  return v;
}

Result<std::vector<DueDelivery>> SqlStore::due(const std::string& partner, int64_t now_ms,
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
    out.push_back(sql::readDue(s));
  }
  s.reset();
  return out;
}

Result<std::optional<int64_t>> SqlStore::nextDueFor(const std::vector<std::string>& partners,
                                                    const std::vector<std::string>& channels) {
  std::lock_guard<std::mutex> lock(read_mu_);
  std::optional<int64_t> soonest;
  auto take = [&](Stmt& s, const std::string& key) -> Result<void> {
    s.bind(1, key);
    auto row = s.step();
    if (row && *row && (!soonest || s.int64(0) < *soonest)) soonest = s.int64(0);
    s.reset();
    if (!row) return unexpected(row.error());
    return {};
  };
  for (const auto& p : partners) {
    const auto before = soonest;
    if (auto r = take(next_due_partner_stmt_, p); !r) return unexpected(r.error());
    if (!clusterCapped() || soonest == before) continue;
    if (*soonest > clock_.nowMs() + kClusterCapPollMs) continue;  // not due yet
    // Due, but every instance together is at the partner's cap: look again shortly (another
    // instance's attempt that ends cannot wake this scheduler).
    auto full = couplingFull(p);
    if (!full) return unexpected(full.error());
    if (*full) {
      soonest = before;
      const int64_t again = clock_.nowMs() + kClusterCapPollMs;
      if (!soonest || again < *soonest) soonest = again;
    }
  }
  for (const auto& c : channels)
    if (auto r = take(next_due_channel_stmt_, c); !r) return unexpected(r.error());
  return soonest;
}

Result<std::vector<OutboxEntry>> SqlStore::outbox(int limit) {
  std::lock_guard<std::mutex> lock(read_mu_);
  auto& s = outbox_stmt_;
  s.bind(1, limit);
  std::vector<OutboxEntry> out;
  for (;;) {
    auto row = s.step();
    if (!row) {
      s.reset();
      return unexpected(row.error());
    }
    if (!*row) break;
    out.push_back({s.int64(0), {s.text(1), s.text(2), s.text(3)}});
  }
  s.reset();
  return out;
}

Result<std::vector<StateCount>> SqlStore::counts() {
  std::lock_guard<std::mutex> lock(views_mu_);
  // Every scrape and status call: seeks and tiny reads however many deliveries wait
  // (sqlite_queries.h).
  auto s = vdb_.prepare(sql::counts());
  if (!s) return unexpected(s.error());
  s->bind(1, clock_.nowMs());
  std::vector<StateCount> out;
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({s->text(0), s->text(1), s->int64(2), s->int64(3), s->int64(4), s->int64(5)});
  }
  return out;
}

Result<std::vector<ChannelCount>> SqlStore::channelCounts() {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare(sql::channelCounts());
  if (!s) return unexpected(s.error());
  std::vector<ChannelCount> out;
  for (;;) {
    auto row = s->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({s->text(0), s->text(1), s->text(2), s->int64(3)});
  }
  return out;
}

}  // namespace hub::store

namespace hub::store {
namespace {

constexpr const char* kDeliveryColumns =
    "SELECT d.seq,d.delivery_id,d.partner,d.product,d.case_id,e.event_type,e.message_id,d.state,"
    "COALESCE(d.channel,''),d.current_channel,COALESCE(d.reason,''),d.reasons,"
    "COALESCE(d.product_sha256,''),d.attempts,d.created_at,d.updated_at,COALESCE(d.final_at,0),"
    "d.next_at,d.deadline_at,COALESCE(d.legal_deadline_at,0),COALESCE(e.payload_purged_at,0) "
    "FROM deliveries d JOIN events e ON e.id=d.event_id ";

DeliveryView readDelivery(const Stmt& s) {
  DeliveryView v;
  v.seq = s.int64(0);
  v.delivery_id = s.text(1);
  v.partner = s.text(2);
  v.product = s.text(3);
  v.case_id = s.text(4);
  v.event_type = s.text(5);
  v.message_id = s.text(6);
  v.state = s.text(7);
  v.channel = s.text(8);
  v.current_channel = s.text(9);
  v.reason = s.text(10);
  v.reasons = s.text(11);
  v.product_sha256 = s.text(12);
  v.attempts = static_cast<int>(s.int64(13));
  v.created_at = s.int64(14);
  v.updated_at = s.int64(15);
  v.final_at = s.int64(16);
  v.next_at = s.int64(17);
  v.deadline_at = s.int64(18);
  v.legal_deadline_at = s.int64(19);
  v.payload_purged_at = s.int64(20);
  return v;
}

constexpr const char* kEventColumns =
    "SELECT id,message_id,event_type,case_id,actor,correlation_id,content_type,source,peer,state,"
    "COALESCE(reason,''),received_at,person_hash,COALESCE(payload_purged_at,0) FROM events ";

EventView readEvent(const Stmt& s) {
  EventView v;
  v.id = s.int64(0);
  v.message_id = s.text(1);
  v.event_type = s.text(2);
  v.case_id = s.text(3);
  v.actor = s.text(4);
  v.correlation_id = s.text(5);
  v.content_type = s.text(6);
  v.source = s.text(7);
  v.peer = s.text(8);
  v.state = s.text(9);
  v.reason = s.text(10);
  v.received_at = s.int64(11);
  v.person_hash = s.text(12);
  v.payload_purged_at = s.int64(13);
  return v;
}

// Runs a prepared query and reads every row.
template <class T, class Read>
Result<std::vector<T>> rows(Stmt& s, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = s.step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back(read(s));
  }
  return out;
}

}  // namespace

Result<std::vector<DeliveryView>> SqlStore::listDeliveries(const DeliveryFilter& f) {
  std::lock_guard<std::mutex> lock(views_mu_);
  // One statement for every filter: an empty value (or 0) matches everything.
  auto s = vdb_.prepare(
      std::string(kDeliveryColumns) +
      "WHERE (?1='' OR d.state=?1) AND (?2='' OR d.partner=?2) AND (?3='' OR d.product=?3) "
      "AND (?4='' OR e.event_type=?4) AND (?5='' OR d.case_id=?5) AND (?6=0 OR d.created_at>=?6) "
      "AND (?7=0 OR d.created_at<?7) AND d.seq>?8 ORDER BY d.seq LIMIT ?9");
  if (!s) return unexpected(s.error());
  s->bind(1, f.state).bind(2, f.partner).bind(3, f.product).bind(4, f.event_type);
  s->bind(5, f.case_id).bind(6, f.from_ms).bind(7, f.to_ms).bind(8, f.after_seq);
  s->bind(9, static_cast<int64_t>(f.limit));
  return rows<DeliveryView>(*s, readDelivery);
}

Result<std::optional<DeliveryDetail>> SqlStore::delivery(const std::string& delivery_id) {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare(std::string(kDeliveryColumns) + "WHERE d.delivery_id=?1");
  if (!s) return unexpected(s.error());
  s->bind(1, delivery_id);
  auto found = rows<DeliveryView>(*s, readDelivery);
  if (!found) return unexpected(found.error());
  if (found->empty()) return std::optional<DeliveryDetail>();
  DeliveryDetail d;
  d.delivery = (*found)[0];
  auto ev = vdb_.prepare(std::string(kEventColumns) + "WHERE message_id=?1");
  if (!ev) return unexpected(ev.error());
  ev->bind(1, d.delivery.message_id);
  auto events = rows<EventView>(*ev, readEvent);
  if (!events) return unexpected(events.error());
  if (!events->empty()) d.event = (*events)[0];
  auto at = vdb_.prepare(
      "SELECT attempt,channel,outcome,COALESCE(reason,''),http_status,started_at,finished_at "
      "FROM attempts WHERE delivery_seq=?1 ORDER BY attempt");
  if (!at) return unexpected(at.error());
  at->bind(1, d.delivery.seq);
  auto attempts = rows<AttemptView>(*at, [](const Stmt& a) {
    return AttemptView{static_cast<int>(a.int64(0)), a.text(1),  a.text(2), a.text(3),
                       static_cast<int>(a.int64(4)), a.int64(5), a.int64(6)};
  });
  if (!attempts) return unexpected(attempts.error());
  d.attempts = std::move(*attempts);
  return std::optional<DeliveryDetail>(std::move(d));
}

Result<std::vector<EventView>> SqlStore::listEvents(const EventFilter& f) {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare(std::string(kEventColumns) +
                        "WHERE (?1='' OR state=?1) AND (?2='' OR event_type=?2) AND "
                        "(?3='' OR case_id=?3) AND (?4=0 OR received_at>=?4) AND "
                        "(?5=0 OR received_at<?5) AND id>?6 ORDER BY id LIMIT ?7");
  if (!s) return unexpected(s.error());
  s->bind(1, f.state).bind(2, f.event_type).bind(3, f.case_id).bind(4, f.from_ms);
  s->bind(5, f.to_ms).bind(6, f.after_id).bind(7, static_cast<int64_t>(f.limit));
  return rows<EventView>(*s, readEvent);
}

Result<std::optional<EventView>> SqlStore::event(const std::string& message_id, bool with_body) {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare(std::string(kEventColumns) + "WHERE message_id=?1");
  if (!s) return unexpected(s.error());
  s->bind(1, message_id);
  auto found = rows<EventView>(*s, readEvent);
  if (!found) return unexpected(found.error());
  if (found->empty()) return std::optional<EventView>();
  EventView v = (*found)[0];
  if (with_body) {
    auto b = vdb_.prepare("SELECT body FROM events WHERE id=?1");
    if (!b) return unexpected(b.error());
    b->bind(1, v.id);
    auto row = b->step();
    if (!row) return unexpected(row.error());
    if (*row) v.body = b->text(0);
  }
  return std::optional<EventView>(std::move(v));
}

Result<std::vector<std::string>> SqlStore::pausedPartners() {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare("SELECT partner FROM partner_pauses ORDER BY partner");
  if (!s) return unexpected(s.error());
  return rows<std::string>(*s, [](const Stmt& r) { return r.text(0); });
}

Result<std::vector<Proposal>> SqlStore::proposals(const std::string& message_id) {
  std::lock_guard<std::mutex> lock(views_mu_);
  auto s = vdb_.prepare(
      "SELECT p.id,p.message_id,p.original,p.corrected,p.proposed_by,COALESCE(p.approved_by,''),"
      "p.proposed_at,COALESCE(p.approved_at,0),COALESCE(e.payload_purged_at,0) "
      "FROM quarantine_proposals p LEFT JOIN events e ON e.message_id=p.message_id "
      "WHERE p.message_id=?1 ORDER BY p.id");
  if (!s) return unexpected(s.error());
  s->bind(1, message_id);
  return rows<Proposal>(*s, [](const Stmt& r) {
    return Proposal{r.int64(0), r.text(1),  r.text(2),  r.text(3), r.text(4),
                    r.text(5),  r.int64(6), r.int64(7), r.int64(8)};
  });
}

Result<std::vector<PartnerActivity>> SqlStore::activity(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(views_mu_);
  // Attempts of the last hour (index on finished_at), by partner.
  auto s = vdb_.prepare(
      "SELECT d.partner,"
      "SUM(CASE WHEN a.outcome='delivered' AND a.finished_at>=?2 THEN 1 ELSE 0 END),"
      "SUM(CASE WHEN a.outcome='delivered' THEN 1 ELSE 0 END),"
      "SUM(CASE WHEN a.outcome<>'delivered' AND a.finished_at>=?2 THEN 1 ELSE 0 END),"
      "SUM(CASE WHEN a.outcome<>'delivered' THEN 1 ELSE 0 END) "
      "FROM attempts a JOIN deliveries d ON d.seq=a.delivery_seq WHERE a.finished_at>=?1 "
      "GROUP BY d.partner");
  if (!s) return unexpected(s.error());
  s->bind(1, now_ms - 3'600'000).bind(2, now_ms - 300'000);
  auto out = rows<PartnerActivity>(*s, [](const Stmt& r) {
    PartnerActivity a;
    a.partner = r.text(0);
    a.delivered_5m = r.int64(1);
    a.delivered_1h = r.int64(2);
    a.failed_5m = r.int64(3);
    a.failed_1h = r.int64(4);
    return a;
  });
  if (!out) return out;
  // The last error of each partner that has one (within the last hour): the attempts index by
  // finished_at, newest first, up to the partner's first failure.
  auto e = vdb_.prepare(
      "SELECT COALESCE(a.reason,''),a.finished_at FROM attempts a JOIN deliveries d ON "
      "d.seq=a.delivery_seq WHERE d.partner=?1 AND a.finished_at>=?2 AND "
      "a.outcome<>'delivered' ORDER BY a.finished_at DESC LIMIT 1");
  if (!e) return unexpected(e.error());
  for (auto& a : *out) {
    if (a.failed_1h == 0) continue;
    e->bind(1, a.partner).bind(2, now_ms - 3'600'000);
    auto row = e->step();
    if (!row) return unexpected(row.error());
    if (*row) {
      a.last_error = e->text(0);
      a.last_error_at = e->int64(1);
    }
    e->reset();
  }
  return out;
}

}  // namespace hub::store
