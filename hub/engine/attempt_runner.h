#pragma once
// AttemptRunner: one claimed delivery, one step along its chain. On a worker thread:
//   1. the product: the stored signed bytes, or — on the first attempt — map, validate and sign
//      once (the result carries the bytes and their SHA-256 to the store, which keeps them);
//   2. the channel at the delivery's chain position prepares the wire message and sends it
//      (adapters classify);
//   3. the fallback chain decides (delivered, retry, next channel, dead);
//   4. the AttemptResult for the store, with the outbox messages (status notification, dead
//      letter) that go into the same transaction; metrics and one log line per switch or death.
// A delivery claimed as overdue (its coupling's circuit open past the deadline) skips 2: its
// channel gives up without an attempt. Stateless and thread-safe: clock and randomness injected.
#include <functional>
#include <optional>
#include <string>

#include "hub/core/time_source.h"
#include "hub/engine/runtime.h"
#include "hub/pipeline/channel.h"
#include "hub/pipeline/store.h"
#include "hub/stats/stats.h"

namespace hub::engine {

struct AttemptReport {
  AttemptResult result;
  OutcomeKind kind = OutcomeKind::kRetryable;
  bool sent = false;        // an exchange with the channel happened (counts for the circuit)
  bool on_coupling = true;  // the attempt was on the partner's coupling (its gate), not a fallback
};

// Between AttemptRunner::begin() and finish(): the product built and the channel's wire message
// prepared, waiting for the exchange's outcome (or decided without one).
struct PreparedAttempt {
  DueDelivery d;
  const DeliveryRule* rule = nullptr;  // in the Runtime begin() was given (keep it alive)
  std::string channel;                 // the chain position's channel name
  int64_t started = 0;
  bool skipped = false;    // claimed as overdue: no attempt
  bool built_now = false;  // the product was built by this attempt (the store keeps its hash)
  Channel* ch = nullptr;   // set: send `msg` on it; null: `outcome` is decided already
  ChannelInput in;
  WireMessage msg;
  std::optional<Outcome> outcome;
};

class AttemptRunner {
 public:
  // load_body: the event body of a claimed delivery (Store::eventBody), loaded only when the
  // product is built.
  using BodyLoader = std::function<Result<std::string>(int64_t delivery_seq)>;
  AttemptRunner(const TimeSource& clock, stats::Stats& stats, BodyLoader load_body = {})
      : clock_(clock), stats_(stats), load_body_(std::move(load_body)) {}

  // skip_reason non-empty: no attempt; the current channel gives up with that reason.
  AttemptReport run(const Runtime& rt, DueDelivery d, Random& random,
                    const std::string& skip_reason = "") const;

  // run() in two halves, for an exchange that ends on another thread: begin() builds the product
  // and prepares the message (1 and the first half of 2), finish() takes the channel's outcome
  // (3 and 4). run() = begin, ch->send, finish.
  PreparedAttempt begin(const Runtime& rt, DueDelivery d,
                        const std::string& skip_reason = "") const;
  AttemptReport finish(const Runtime& rt, PreparedAttempt a, Outcome outcome, Random& random) const;

 private:
  const TimeSource& clock_;
  stats::Stats& stats_;
  BodyLoader load_body_;
};

// The product's process step as people name it: the rule's process_step, or the product name
// with its first letter upper-case and dashes as spaces ("kennisgeving-ibs" -> "Kennisgeving ibs").
std::string processStep(const DeliveryRule& rule);

}  // namespace hub::engine
