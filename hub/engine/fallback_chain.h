#pragma once
// The fallback chain: the engine's decision after one attempt (pure; no I/O, no clock of its own).
//
// A delivery walks a chain of channels: index 0 is the partner's coupling (its adapter: rest-xml,
// digikoppeling-wus), index i > 0 is the route's fallback[i - 1] (securemail, print). On each
// channel it retries with that channel's policy (the route's retry policy on the coupling,
// engine.channels.<name>.retry on a fallback) until that channel's deadline (the route's
// operational deadline on the coupling, engine.channels.<name>.deadline after the switch):
//
//   delivered                        -> delivered (final)
//   retryable, next try before the   -> retry_wait on the coupling, fallback on a fallback channel
//     channel's deadline                (state fallback = "waiting on a fallback channel")
//   retryable past the deadline,     -> the channel gives up with its reason; the next channel
//   permanent, or skipped               that is available for this partner takes over at once
//                                       (state fallback, next_at = now, its own deadline);
//                                       unavailable ones are skipped with a reason
//   no channel left                  -> dead, with every channel's reason
//
// Every channel's final reason is kept, "rest-xml: deadline passed ...; securemail: smtp 550".
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "hub/config/config.h"
#include "hub/core/delivery_state.h"
#include "hub/core/outcome.h"
#include "hub/core/time_source.h"

namespace hub::engine {

// Where a delivery stands in its chain when the attempt was made.
struct ChainPosition {
  int channel_index = 0;     // 0: the partner's coupling
  std::string channel;       // name of the channel at channel_index (the adapter for 0)
  int channel_attempts = 0;  // attempts on this channel, including this one
  int64_t deadline_at = 0;   // this channel's deadline
  std::string reasons;       // earlier channels' final reasons
};

struct ChainDecision {
  DeliveryState state = DeliveryState::kRetryWait;
  int64_t next_at = 0;
  std::string reason;        // this result's reason
  int channel_index = 0;     // chain position afterwards
  std::string next_channel;  // its fallback channel name (empty on the coupling)
  bool switched = false;     // moved to another channel
  int64_t deadline_at = 0;   // the new channel's deadline (when switched)
  std::string reasons;       // every channel's final reason so far
};

// Whether channel `name` can serve this delivery's partner (configured hub-wide and for the
// partner); an unavailable channel is skipped.
using ChannelAvailable = std::function<bool(const std::string& name)>;

// skipped: no attempt was made (the coupling's deadline passed while its circuit was open);
// outcome.reason says why.
ChainDecision decideAfterAttempt(const Outcome& outcome, const ChainPosition& at, int64_t now_ms,
                                 const DeliveryRule& rule,
                                 const std::map<std::string, ChannelConfig>& channels,
                                 const ChannelAvailable& available, Random& random,
                                 bool skipped = false);

}  // namespace hub::engine
