// Four-eyes correction of a quarantined event: one operator proposes a corrected body, another
// approves it; intake then runs on the correction under the event's message-id. The store keeps
// the original, the correction and both identities; the log says who, when and which JSON
// pointers changed (with both bodies' SHA-256), never a value.
#include <boost/json.hpp>
#include <future>

#include "hub/admin/admin_server.h"
#include "hub/admin/api_support.h"
#include "hub/admin/json_diff.h"
#include "hub/core/time_format.h"
#include "hub/engine/intake_processor.h"
#include "hub/log/log.h"
#include "hub/tls/digest.h"

namespace hub::admin {
namespace {

namespace bj = boost::json;

using tls::sha256Hex;

bj::array pointers(const Proposal& p) {
  bj::array out;
  if (auto changed = changedPointers(p.original, p.corrected))
    for (const auto& c : *changed) out.push_back(bj::string(c));
  return out;
}

}  // namespace

HttpResponse AdminServer::listProposals(const Call& c) {
  auto list = ctx_.store.proposals(c.params.at("id"));
  if (!list) return jsonError(503, "store: " + list.error().message);
  bj::array items;
  for (const auto& p : *list) {
    bj::object item{
        {"proposal_id", p.id},
        {"proposed_by", p.proposed_by},
        {"proposed_at", formatRfc3339Utc(p.proposed_at)},
        {"approved_by", p.approved_by.empty() ? bj::value(nullptr) : bj::value(p.approved_by)},
        {"approved_at", p.approved_at ? bj::value(formatRfc3339Utc(p.approved_at)) : nullptr},
        {"original_sha256", sha256Hex(p.original)},
        {"corrected_sha256", sha256Hex(p.corrected)},
        {"changed", pointers(p)}};
    if (p.purged_at) {
      // The bodies are gone: their hashes and changes are in the audit trail (proposed,
      // approved).
      item["original_sha256"] = item["corrected_sha256"] = nullptr;
      item["changed"] = nullptr;
      item["payload"] = purgedByRetention(p.purged_at);
    }
    items.push_back(std::move(item));
  }
  return json(200, bj::serialize(bj::object{{"items", items}}));
}

HttpResponse AdminServer::propose(const Call& c) {
  const std::string& id = c.params.at("id");
  if (c.req.body.empty()) return jsonError(400, "the request body is the corrected event body");
  if (auto e = ctx_.store.event(id, false); e && *e && (*e)->payload_purged_at)
    return jsonError(409, "payload " + purgedByRetention((*e)->payload_purged_at) +
                              ": nothing left to correct; the sender must send it again");
  Proposal p;
  p.message_id = id;
  p.corrected = c.req.body;
  p.proposed_by = c.who.name;
  p.proposed_at = SystemTimeSource().nowMs();
  auto r = awaitStore<Result<int64_t>>([&](auto done) {
    ctx_.store.submitPropose(p, actorOf(c, "corrected_sha256=" + sha256Hex(p.corrected)),
                             std::move(done));
  });
  if (!r) return jsonError(503, "the store did not commit in time; try again");
  if (!*r) return jsonError(404, r->error().message);
  log::info("operator action", {{"action", "correction proposed"},
                                {"operator", c.who.name},
                                {"peer", c.req.peer},
                                {"target", id},
                                {"proposal_id", **r},
                                {"corrected_sha256", sha256Hex(p.corrected)}});
  return json(201, bj::serialize(bj::object{{"proposal_id", **r}, {"message_id", id}}));
}

HttpResponse AdminServer::approve(const Call& c) {
  const std::string& id = c.params.at("id");
  int64_t pid = 0;
  for (char ch : c.params.at("proposal")) {
    if (ch < '0' || ch > '9' || pid > 1'000'000'000'000) return jsonError(400, "bad proposal id");
    pid = pid * 10 + (ch - '0');
  }
  auto list = ctx_.store.proposals(id);
  if (!list) return jsonError(503, "store: " + list.error().message);
  const Proposal* p = nullptr;
  for (const auto& x : *list)
    if (x.id == pid) p = &x;
  if (!p) return jsonError(404, "no proposal " + std::to_string(pid) + " for " + id);
  if (!p->approved_by.empty()) return jsonError(409, "already approved by " + p->approved_by);
  if (p->purged_at) return jsonError(409, "payload " + purgedByRetention(p->purged_at));
  if (p->proposed_by == c.who.name)
    return jsonError(403, "four eyes: another operator must approve this correction");
  auto e = ctx_.store.event(id, false);
  if (!e) return jsonError(503, "store: " + e.error().message);
  if (!*e || (*e)->state != "quarantined") return jsonError(404, "no quarantined event " + id);
  IntakeRecord rec = engine::processEnvelope(
      *ctx_.runtime(), envelopeOf(**e, p->corrected, SystemTimeSource().nowMs()));
  bool routed = !rec.quarantined;
  std::string reason = rec.reason;
  std::string changed;
  for (const auto& ptr : pointers(*p))
    changed += (changed.empty() ? "" : ",") + std::string(ptr.as_string());
  // The trail holds both identities, both bodies' hashes and which JSON pointers changed (the
  // bodies themselves stay in the store, with the proposal).
  Actor by =
      actorOf(c, "proposed_by=" + p->proposed_by + ";original_sha256=" + sha256Hex(p->original) +
                     ";corrected_sha256=" + sha256Hex(p->corrected) + ";changed=" + changed);
  auto r = awaitStore<Result<IntakeStatus>>([&](auto done) {
    ctx_.store.submitApproveProposal(pid, std::move(by), std::move(rec), std::move(done));
  });
  if (!r) return jsonError(503, "the store did not commit in time; try again");
  if (!*r) return jsonError(409, r->error().message);
  log::info("operator action", {{"action", "correction approved"},
                                {"operator", c.who.name},
                                {"proposed_by", p->proposed_by},
                                {"peer", c.req.peer},
                                {"target", id},
                                {"proposal_id", pid},
                                {"original_sha256", sha256Hex(p->original)},
                                {"corrected_sha256", sha256Hex(p->corrected)},
                                {"changed", changed},
                                {"outcome", routed ? "routed" : "quarantined"}});
  if (routed) ctx_.scheduler.notify();
  bj::object out{{"message_id", id}, {"outcome", routed ? "routed" : "quarantined"}};
  if (!routed) out["reason"] = reason;
  return json(200, bj::serialize(out));
}

}  // namespace hub::admin
