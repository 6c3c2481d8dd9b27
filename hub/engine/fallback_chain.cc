#include "hub/engine/fallback_chain.h"

#include "hub/engine/backoff.h"

namespace hub::engine {
namespace {

void addReason(std::string& reasons, const std::string& channel, const std::string& why) {
  if (!reasons.empty()) reasons += "; ";
  reasons += channel + ": " + why;
}

// The channel at `at` gave up with `why`: the next available channel takes over, or dead.
ChainDecision giveUp(const ChainPosition& at, std::string why, int64_t now_ms,
                     const DeliveryRule& rule, const std::map<std::string, ChannelConfig>& channels,
                     const ChannelAvailable& available) {
  ChainDecision d;
  d.reasons = at.reasons;
  addReason(d.reasons, at.channel, why);
  for (size_t i = static_cast<size_t>(at.channel_index); i < rule.fallback.size(); ++i) {
    const std::string& name = rule.fallback[i];
    auto cfg = channels.find(name);
    if (cfg == channels.end() || !available(name)) {
      addReason(d.reasons, name, "not configured for partner " + rule.partner);
      continue;
    }
    d.state = DeliveryState::kFallback;
    d.channel_index = static_cast<int>(i) + 1;
    d.next_channel = name;
    d.switched = true;
    d.next_at = now_ms;
    d.deadline_at = now_ms + cfg->second.deadline.count();
    d.reason = at.channel + " gave up (" + why + "); falling back to " + name;
    return d;
  }
  d.state = DeliveryState::kDead;
  d.channel_index = at.channel_index;
  d.next_channel = at.channel_index > 0 ? at.channel : "";
  d.reason = "no channel left: " + d.reasons;
  return d;
}

}  // namespace

ChainDecision decideAfterAttempt(const Outcome& outcome, const ChainPosition& at, int64_t now_ms,
                                 const DeliveryRule& rule,
                                 const std::map<std::string, ChannelConfig>& channels,
                                 const ChannelAvailable& available, Random& random, bool skipped) {
  if (skipped) return giveUp(at, outcome.reason, now_ms, rule, channels, available);
  switch (outcome.kind) {
    case OutcomeKind::kDelivered: {
      ChainDecision d;
      d.state = DeliveryState::kDelivered;
      d.reason = outcome.reason;
      d.channel_index = at.channel_index;
      d.next_channel = at.channel_index > 0 ? at.channel : "";
      d.reasons = at.reasons;
      return d;
    }
    case OutcomeKind::kPermanent:
      return giveUp(at, "permanent error: " + outcome.reason, now_ms, rule, channels, available);
    case OutcomeKind::kRetryable:
      break;
  }
  const RetryPolicy* policy = &rule.retry;
  if (at.channel_index > 0) {
    auto cfg = channels.find(at.channel);
    if (cfg != channels.end()) policy = &cfg->second.retry;
  }
  std::optional<Millis> hint;
  if (outcome.retry_after_seconds) hint = Millis(*outcome.retry_after_seconds * 1000);
  Millis delay = nextDelay(*policy, at.channel_attempts, random, hint);
  int64_t next = now_ms + delay.count();
  if (next >= at.deadline_at)
    return giveUp(at,
                  "deadline passed after " + std::to_string(at.channel_attempts) +
                      " attempts; last error: " + outcome.reason,
                  now_ms, rule, channels, available);
  ChainDecision d;
  d.state = at.channel_index > 0 ? DeliveryState::kFallback : DeliveryState::kRetryWait;
  d.next_at = next;
  d.reason = outcome.reason;
  d.channel_index = at.channel_index;
  d.next_channel = at.channel_index > 0 ? at.channel : "";
  d.reasons = at.reasons;
  return d;
}

}  // namespace hub::engine
