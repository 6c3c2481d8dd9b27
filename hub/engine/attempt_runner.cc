#include "hub/engine/attempt_runner.h"

#include "hub/core/error_codes.h"
#include "hub/core/time_format.h"
#include "hub/engine/attempt_log.h"
#include "hub/engine/fallback_chain.h"
#include "hub/engine/intake_processor.h"
#include "hub/engine/notification.h"
#include "hub/engine/product_builder.h"
#include "hub/log/log.h"
#include "hub/tls/digest.h"

namespace hub::engine {
namespace {

// The product for one claimed delivery: the event's XML form derived from the stored body (as
// intake derived it), mapped, validated and signed.
Result<BuiltProduct> buildFor(const Runtime& rt, DueDelivery& d, int64_t started_ms,
                              const AttemptRunner::BodyLoader& load_body) {
  if (d.event_xml.empty() && d.body.empty() && load_body) {
    auto body = load_body(d.seq);
    if (!body) return unexpected(body.error());
    d.body = std::move(*body);
  }
  auto event_xml = !d.event_xml.empty()
                       ? Result<std::string>(std::move(d.event_xml))
                       : eventXmlForm(d.content_type, d.body, eventLimits(rt.cfg->intake));
  if (!event_xml) return unexpected(event_xml.error());
  ProductInput in{std::move(*event_xml),
                  d.message_id,
                  d.case_id,
                  d.event_type,
                  d.actor,
                  d.delivery_id,
                  d.partner,
                  d.product,
                  formatRfc3339Utc(started_ms)};
  return buildProduct(rt, in, false);
}

// The name a channel is known by at a chain position (metrics, attempts, notifications).
std::string channelName(const Runtime& rt, const DueDelivery& d) {
  if (d.channel_index > 0) return d.channel;
  auto p = rt.cfg->partners.find(d.partner);
  return p == rt.cfg->partners.end() ? std::string() : p->second.adapter;
}

void addOutbox(const Runtime& rt, const DueDelivery& d, const ChainDecision& dec,
               const std::string& channel, int64_t now, AttemptResult& res) {
  const NotifyConfig& n = rt.cfg->notify;
  bool final = isFinal(dec.state);
  if (!dec.switched && !final) return;
  StatusNote note{
      d.delivery_id,
      d.message_id,
      d.case_id,
      d.partner,
      d.product,
      dec.switched ? dec.next_channel : channel,
      std::string(stateName(dec.state)),
      now,
      reasonCode(dec.switched ? dec.reasons : dec.reason, dec.state == DeliveryState::kDelivered)};
  if (!n.address.empty()) res.outbox.push_back({n.address, "notification", notificationJson(note)});
  if (dec.state == DeliveryState::kDead && !n.dead_letter_address.empty())
    res.outbox.push_back({n.dead_letter_address, "dead_letter", notificationJson(note)});
}

}  // namespace

std::string processStep(const DeliveryRule& rule) {
  if (!rule.process_step.empty()) return rule.process_step;
  std::string s = rule.product;
  for (char& c : s)
    if (c == '-') c = ' ';
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

PreparedAttempt AttemptRunner::begin(const Runtime& rt, DueDelivery d,
                                     const std::string& skip_reason) const {
  PreparedAttempt a;
  a.started = clock_.nowMs();
  a.rule = rt.rule(d.event_type, d.partner, d.product);
  a.channel = channelName(rt, d);
  a.skipped = !skip_reason.empty();
  if (!a.rule || !rt.cfg->partners.count(d.partner)) {
    a.outcome =
        Outcome::permanent("route for " + d.partner + "/" + d.product + " is no longer configured");
  } else if (a.skipped) {
    a.outcome = Outcome::retryable(skip_reason);
  } else {
    if (d.signed_product.empty()) {
      auto built = buildFor(rt, d, a.started, load_body_);
      std::string().swap(d.body);  // the product is built: the body is not needed any more
      if (built) {
        d.signed_product = std::move(built->signed_xml);
        d.product_sha256 = tls::sha256Hex(d.signed_product);
        a.built_now = true;
      } else {
        // The store not answering is transient; a product that cannot be built is not.
        std::string why = built.error().code + ": " + built.error().message;
        a.outcome =
            built.error().code == errc::kStore ? Outcome::retryable(why) : Outcome::permanent(why);
      }
    }
    Channel* ch = rt.channel(d.partner, d.channel_index > 0 ? d.channel : "");
    if (!d.signed_product.empty()) {
      if (!ch) {
        a.outcome = Outcome::permanent("channel " + a.channel + " is not configured for partner " +
                                       d.partner);
      } else {
        a.in = ChannelInput{
            d.delivery_id, d.message_id,         d.case_id,        d.event_type,     d.partner,
            d.product,     processStep(*a.rule), d.signed_product, d.product_sha256, a.started};
        auto msg = ch->prepare(a.in);
        if (!msg) {
          a.outcome = Outcome::permanent(msg.error().message);
        } else {
          a.msg = std::move(*msg);
          a.ch = ch;
        }
      }
    }
  }
  a.d = std::move(d);
  return a;
}

AttemptReport AttemptRunner::run(const Runtime& rt, DueDelivery d, Random& random,
                                 const std::string& skip_reason) const {
  PreparedAttempt a = begin(rt, std::move(d), skip_reason);
  if (!a.ch) {
    Outcome decided = *a.outcome;
    return finish(rt, std::move(a), std::move(decided), random);
  }
  Outcome outcome = a.ch->send(a.in, a.msg);
  return finish(rt, std::move(a), std::move(outcome), random);
}

AttemptReport AttemptRunner::finish(const Runtime& rt, PreparedAttempt a, Outcome outcome,
                                    Random& random) const {
  DueDelivery& d = a.d;
  const DeliveryRule* rule = a.rule;
  const std::string& channel = a.channel;
  const int64_t started = a.started;
  const bool skipped = a.skipped;
  const bool built_now = a.built_now;
  AttemptReport rep;
  rep.on_coupling = d.channel_index == 0;
  rep.sent = a.ch != nullptr;
  AttemptResult& res = rep.result;
  if (built_now) res.product_sha256 = d.product_sha256;
  int64_t finished_at = clock_.nowMs();
  ChainPosition at{d.channel_index, channel, d.channel_attempts + (skipped ? 0 : 1), d.deadline_at,
                   d.reasons};
  DeliveryRule gone;
  gone.partner = d.partner;
  ChainDecision dec = decideAfterAttempt(
      outcome, at, finished_at, rule ? *rule : gone, rt.cfg->engine.channels,
      [&](const std::string& name) { return rt.channel(d.partner, name) != nullptr; }, random,
      skipped);
  rep.kind = outcome.kind;
  res.seq = d.seq;
  res.attempt = skipped ? 0 : d.attempts + 1;
  res.started_at = started;
  res.finished_at = finished_at;
  res.outcome = outcomeName(outcome.kind);
  res.http_status = outcome.http_status;
  res.reason = dec.reason;
  res.new_state = dec.state;
  res.next_at = dec.next_at;
  res.channel = channel;
  res.channel_index = dec.channel_index;
  res.next_channel = dec.next_channel;
  res.channel_switched = dec.switched;
  res.deadline_at = dec.deadline_at;
  res.reasons = dec.reasons;
  if (outcome.kind == OutcomeKind::kDelivered) res.receipt = outcome.receipt.substr(0, 4096);
  // The signed bytes are kept for every later attempt and channel; a product delivered at its
  // first attempt is never needed again (its SHA-256 stays), which spares the store a blob per
  // delivery in the common case.
  if (built_now && dec.state != DeliveryState::kDelivered) res.signed_product = d.signed_product;
  addOutbox(rt, d, dec, channel, finished_at, res);

  // Metrics: one attempt per exchange (none when skipped), one switch per channel that gave up
  // for the next, one finish per delivery; the deprecated ketenhub_deliveries_total as it was.
  if (rep.sent) stats_.attemptSeconds(d.partner, channel, (finished_at - started) / 1000.0);
  if (!skipped) {
    stats_.deliveryAttempt(d.partner, channel, outcomeName(outcome.kind));
    stats_.deliveryOutcome(d.partner, channel, outcomeName(outcome.kind));
  }
  if (isFinal(dec.state))
    stats_.deliveryFinished(d.partner, channel, std::string(stateName(dec.state)));
  if (!skipped) logFailedAttempt(d, channel, res.attempt, outcome, dec);
  if (dec.switched) {
    stats_.deliveryFallback(d.partner, channel);
    stats_.deliveryOutcome(d.partner, channel, "fallback");
    log::warn("delivery falls back", {{"delivery_id", d.delivery_id},
                                      {"partner", d.partner},
                                      {"product", d.product},
                                      {"from_channel", channel},
                                      {"to_channel", dec.next_channel},
                                      {"reason", dec.reason}});
  }
  if (dec.state == DeliveryState::kDead) stats_.deliveryOutcome(d.partner, channel, "dead");
  if (isFinal(dec.state))
    stats_.deliveryLatencySeconds(d.partner, (finished_at - d.received_at) / 1000.0);
  if (dec.state == DeliveryState::kDead) {
    if (d.legal_deadline_at > finished_at) {
      // The loudest case: every channel failed while the law still gives time to act.
      log::error("delivery dead before its legal deadline: act now",
                 {{"delivery_id", d.delivery_id},
                  {"partner", d.partner},
                  {"product", d.product},
                  {"legal_deadline_at", formatRfc3339Utc(d.legal_deadline_at)},
                  {"reason", dec.reason}});
    } else {
      log::warn("delivery dead", {{"delivery_id", d.delivery_id},
                                  {"partner", d.partner},
                                  {"product", d.product},
                                  {"reason", dec.reason}});
    }
  }
  return rep;
}

}  // namespace hub::engine
