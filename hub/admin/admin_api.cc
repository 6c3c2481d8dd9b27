// The operator API: deliveries (list, show, replay, bulk replay), partners (pause, resume),
// quarantined events (list, show, replay) and reload. JSON in and out; every mutating call is
// logged with the operator's identity and the access point (never a payload).
#include <boost/json.hpp>
#include <future>

#include "hub/admin/admin_server.h"
#include "hub/admin/api_support.h"
#include "hub/core/time_format.h"
#include "hub/engine/intake_processor.h"
#include "hub/log/log.h"

namespace hub::admin {
namespace {

namespace bj = boost::json;

constexpr int kMaxBulk = 10000;

bj::object deliveryJson(const DeliveryView& d) {
  return bj::object{
      {"delivery_id", d.delivery_id},
      {"partner", d.partner},
      {"product", d.product},
      {"zaaknummer", d.case_id},
      {"event_type", d.event_type},
      {"message_id", d.message_id},
      {"state", d.state},
      {"channel", d.channel},
      {"fallback_channel", d.current_channel},
      {"attempts", d.attempts},
      {"reason", d.reason},
      {"reasons", d.reasons},
      {"product_sha256", d.product_sha256},
      {"created_at", formatRfc3339Utc(d.created_at)},
      {"updated_at", formatRfc3339Utc(d.updated_at)},
      {"final_at", d.final_at ? bj::value(formatRfc3339Utc(d.final_at)) : nullptr},
      {"next_at", formatRfc3339Utc(d.next_at)},
      {"deadline_at", formatRfc3339Utc(d.deadline_at)},
      {"legal_deadline_at",
       d.legal_deadline_at ? bj::value(formatRfc3339Utc(d.legal_deadline_at)) : nullptr},
      {"payload_purged_at",
       d.payload_purged_at ? bj::value(formatRfc3339Utc(d.payload_purged_at)) : nullptr},
      {"cursor", std::to_string(d.seq)}};
}

bj::object eventJson(const EventView& e) {
  return bj::object{
      {"message_id", e.message_id},
      {"event_type", e.event_type},
      {"zaaknummer", e.case_id},
      {"actor", e.actor},
      {"correlation_id", e.correlation_id},
      {"content_type", e.content_type},
      {"source", e.source},
      {"peer", e.peer},
      {"state", e.state},
      {"reason", e.reason},
      {"received_at", formatRfc3339Utc(e.received_at)},
      {"payload_purged_at",
       e.payload_purged_at ? bj::value(formatRfc3339Utc(e.payload_purged_at)) : nullptr},
      {"cursor", std::to_string(e.id)}};
}

void logAction(const Call& c, const char* action, const std::string& target) {
  log::info("operator action", {{"action", action},
                                {"operator", c.who.name},
                                {"role", roleName(c.who.role)},
                                {"peer", c.req.peer},
                                {"target", target}});
}

int64_t nowMs() { return SystemTimeSource().nowMs(); }

// The deliveries a list or a bulk replay names: state, partner, product, event type, case, and the
// page and time window; nullopt when the page or window is malformed.
std::optional<DeliveryFilter> deliveryFilter(const Call& c) {
  auto pg = page(c);
  if (!pg) return std::nullopt;
  DeliveryFilter f;
  f.state = param(c, "state");
  f.partner = param(c, "partner");
  f.product = param(c, "product");
  f.event_type = param(c, "event_type");
  f.case_id = param(c, "case");
  f.from_ms = pg->from_ms;
  f.to_ms = pg->to_ms;
  f.after_seq = pg->cursor;
  f.limit = pg->limit;
  return f;
}

// One page of a list: the items and the cursor of the next page (null on the last one).
template <class Row, class ToJson, class CursorOf>
HttpResponse listPage(const std::vector<Row>& rows, int limit, ToJson toJson, CursorOf cursorOf) {
  bj::array items;
  for (const auto& r : rows) items.push_back(toJson(r));
  bj::object out{{"items", items}};
  out["next_cursor"] = static_cast<int>(rows.size()) == limit
                           ? bj::value(std::to_string(cursorOf(rows.back())))
                           : nullptr;
  return json(200, bj::serialize(out));
}

constexpr const char* kBadPage = "from, to and cursor are numbers; limit is 1..500";

}  // namespace

HttpResponse AdminServer::listMessages(const Call& c) {
  auto f = deliveryFilter(c);
  if (!f) return jsonError(400, kBadPage);
  auto rows = ctx_.store.listDeliveries(*f);
  if (!rows) return jsonError(503, "store: " + rows.error().message);
  return listPage(*rows, f->limit, deliveryJson, [](const DeliveryView& d) { return d.seq; });
}

HttpResponse AdminServer::showMessage(const Call& c) {
  const std::string& id = c.params.at("id");
  auto d = ctx_.store.delivery(id);
  if (!d) return jsonError(503, "store: " + d.error().message);
  if (!*d) return jsonError(404, "no delivery " + id);
  bj::object out = deliveryJson((*d)->delivery);
  out["event"] = eventJson((*d)->event);
  bj::array attempts;
  for (const auto& a : (*d)->attempts)
    attempts.push_back(bj::object{{"attempt", a.attempt},
                                  {"channel", a.channel},
                                  {"outcome", a.outcome},
                                  {"http_status", a.http_status},
                                  {"reason", a.reason},
                                  {"started_at", formatRfc3339Utc(a.started_at)},
                                  {"finished_at", formatRfc3339Utc(a.finished_at)}});
  out["attempts"] = attempts;
  if (param(c, "payload") == "1") {
    if (c.who.role != Role::kOperator) return jsonError(403, "payloads need the operator role");
    if (int64_t at = (*d)->event.payload_purged_at) {
      // Nothing to show (and no payload read to record): retention purged it.
      out["event"].as_object()["payload"] = purgedByRetention(at);
      return json(200, bj::serialize(out));
    }
    auto ev = ctx_.store.event((*d)->delivery.message_id, true);
    if (ev && *ev) out["event"].as_object()["body"] = (*ev)->body;
    if (!auditPayloadRead(c, (*d)->event, id))
      return jsonError(503, "the audit trail is not writable: the payload is not shown");
    logAction(c, "payload read", id);
  }
  return json(200, bj::serialize(out));
}

// Recorded before the payload leaves the hub; false when the trail cannot take it.
bool AdminServer::auditPayloadRead(const Call& c, const EventView& e,
                                   const std::string& delivery_id) {
  AuditRecord a;
  a.at_ms = nowMs();
  a.action = "payload_read";
  a.outcome = "shown";
  a.message_id = e.message_id;
  a.case_id = e.case_id;
  a.person = e.person_hash;
  a.delivery_id = delivery_id;
  a.user = c.who.name;
  a.access_point = c.req.peer;
  return ctx_.audit.append({a}).has_value();
}

HttpResponse AdminServer::replayMessage(const Call& c) {
  const std::string& id = c.params.at("id");
  auto d = ctx_.store.delivery(id);
  if (!d) return jsonError(503, "store: " + d.error().message);
  if (!*d) return jsonError(404, "no delivery " + id);
  if ((*d)->delivery.state != "dead")
    return jsonError(409,
                     "only a dead delivery is replayed (this one is " + (*d)->delivery.state + ")");
  if (int64_t at = (*d)->event.payload_purged_at)
    return jsonError(409, "payload " + purgedByRetention(at) + ": nothing left to send");
  auto rt = ctx_.runtime();
  const DeliveryRule* rule =
      rt->rule((*d)->delivery.event_type, (*d)->delivery.partner, (*d)->delivery.product);
  int64_t now = nowMs();
  int64_t deadline = now + (rule ? rule->deadline.count() : rt->cfg->engine.deadline_other.count());
  auto n = awaitStore<Result<int64_t>>([&](auto done) {
    ctx_.store.submitReplay({{id, deadline, now}}, now, actorOf(c), std::move(done));
  });
  if (!n) return jsonError(503, "the store did not commit in time; try again");
  if (!*n) return jsonError(503, "store: " + n->error().message);
  logAction(c, "replayed", id);
  ctx_.scheduler.notify();
  return json(202, bj::serialize(bj::object{{"delivery_id", id}, {"replayed", **n}}));
}

HttpResponse AdminServer::replayBulk(const Call& c) {
  auto filter = deliveryFilter(c);
  auto rate = number(c, "rate", 5);
  if (!filter || !rate || *rate < 1 || *rate > 1000)
    return jsonError(400, "from and to are numbers; rate is 1..1000 per second");
  if (!filter->state.empty() && filter->state != "dead")
    return jsonError(400, "only dead deliveries are replayed");
  DeliveryFilter f = *filter;
  f.state = "dead";
  f.after_seq = 0;
  f.limit = kMaxPageLimit;
  auto rt = ctx_.runtime();
  int64_t now = nowMs();
  std::vector<ReplayRequest> replays;
  int64_t purged = 0;  // dead deliveries whose payload retention purged: nothing left to send
  for (;;) {
    auto rows = ctx_.store.listDeliveries(f);
    if (!rows) return jsonError(503, "store: " + rows.error().message);
    for (const auto& d : *rows) {
      if (d.payload_purged_at) {
        ++purged;
        continue;
      }
      const DeliveryRule* rule = rt->rule(d.event_type, d.partner, d.product);
      // Spread over time: at most `rate` per second reach the partners.
      int64_t next = now + static_cast<int64_t>(replays.size()) * 1000 / *rate;
      int64_t span = rule ? rule->deadline.count() : rt->cfg->engine.deadline_other.count();
      replays.push_back({d.delivery_id, next + span, next});
    }
    if (static_cast<int>(rows->size()) < f.limit || replays.size() >= kMaxBulk) break;
    f.after_seq = rows->back().seq;
  }
  if (replays.size() > kMaxBulk) replays.resize(kMaxBulk);
  size_t asked = replays.size();
  auto n = awaitStore<Result<int64_t>>([&](auto done) {
    ctx_.store.submitReplay(std::move(replays), now, actorOf(c), std::move(done));
  });
  if (!n) return jsonError(503, "the store did not commit in time; try again");
  if (!*n) return jsonError(503, "store: " + n->error().message);
  logAction(c, "bulk replayed", std::to_string(**n) + " of " + std::to_string(asked));
  ctx_.scheduler.notify();
  return json(202, bj::serialize(bj::object{{"replayed", **n},
                                            {"rate_per_s", *rate},
                                            {"limit_reached", asked >= kMaxBulk},
                                            {"skipped_payload_purged", purged}}));
}

HttpResponse AdminServer::pausePartner(const Call& c, bool paused) {
  const std::string& p = c.params.at("partner");
  if (!ctx_.runtime()->cfg->partners.count(p)) return jsonError(404, "no partner " + p);
  auto r = awaitStore<Result<void>>(
      [&](auto done) { ctx_.store.submitPause(p, paused, actorOf(c), nowMs(), std::move(done)); });
  if (!r) return jsonError(503, "the store did not commit in time; try again");
  if (!*r) return jsonError(503, "store: " + r->error().message);
  logAction(c, paused ? "paused" : "resumed", p);
  ctx_.scheduler.notify();
  return json(200, bj::serialize(bj::object{{"partner", p}, {"paused", paused}}));
}

HttpResponse AdminServer::listQuarantine(const Call& c) {
  EventFilter f;
  f.event_type = param(c, "event_type");
  f.case_id = param(c, "case");
  auto pg = page(c);
  if (!pg) return jsonError(400, kBadPage);
  f.from_ms = pg->from_ms;
  f.to_ms = pg->to_ms;
  f.after_id = pg->cursor;
  f.limit = pg->limit;
  auto rows = ctx_.store.listEvents(f);
  if (!rows) return jsonError(503, "store: " + rows.error().message);
  return listPage(*rows, f.limit, eventJson, [](const EventView& e) { return e.id; });
}

HttpResponse AdminServer::showQuarantine(const Call& c) {
  const std::string& id = c.params.at("id");
  bool payload = param(c, "payload") == "1";
  if (payload && c.who.role != Role::kOperator)
    return jsonError(403, "payloads need the operator role");
  auto e = ctx_.store.event(id, payload);
  if (!e) return jsonError(503, "store: " + e.error().message);
  if (!*e || (*e)->state != "quarantined") return jsonError(404, "no quarantined event " + id);
  bj::object out = eventJson(**e);
  if (payload && (*e)->payload_purged_at) {
    out["payload"] = purgedByRetention((*e)->payload_purged_at);
  } else if (payload) {
    if (!auditPayloadRead(c, **e, ""))
      return jsonError(503, "the audit trail is not writable: the payload is not shown");
    out["body"] = (*e)->body;
    logAction(c, "payload read", id);
  }
  return json(200, bj::serialize(out));
}

HttpResponse AdminServer::replayQuarantine(const Call& c) {
  const std::string& id = c.params.at("id");
  auto e = ctx_.store.event(id, true);
  if (!e) return jsonError(503, "store: " + e.error().message);
  if (!*e || (*e)->state != "quarantined") return jsonError(404, "no quarantined event " + id);
  if ((*e)->payload_purged_at)
    return jsonError(409, "payload " + purgedByRetention((*e)->payload_purged_at) +
                              ": nothing left to process; the sender must send it again");
  IntakeRecord rec = engine::processEnvelope(*ctx_.runtime(), envelopeOf(**e, (*e)->body, nowMs()));
  bool routed = !rec.quarantined;
  std::string reason = rec.reason;
  auto r = awaitStore<Result<IntakeStatus>>([&](auto done) {
    ctx_.store.submitReplayEvent(std::move(rec), actorOf(c), std::move(done));
  });
  if (!r) return jsonError(503, "the store did not commit in time; try again");
  if (!*r) return jsonError(409, r->error().message);
  logAction(c, "replayed quarantined event", id);
  if (routed) ctx_.scheduler.notify();
  bj::object out{{"message_id", id}, {"outcome", routed ? "routed" : "quarantined"}};
  if (!routed) out["reason"] = reason;
  return json(200, bj::serialize(out));
}

HttpResponse AdminServer::reloadConfig(const Call& c) {
  auto errors = ctx_.reload(actorOf(c));
  logAction(c, errors.empty() ? "reloaded" : "reload refused", "configuration");
  if (errors.empty()) return json(200, bj::serialize(bj::object{{"reloaded", true}}));
  bj::array list;
  for (const auto& e : errors) list.push_back(bj::string(e));
  return json(422, bj::serialize(bj::object{{"reloaded", false}, {"errors", list}}));
}

}  // namespace hub::admin
