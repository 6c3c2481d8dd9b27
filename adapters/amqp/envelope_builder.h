#pragma once
// Pure conversion of a received Proton message into an hub::Envelope value (no I/O, no threads).
// Kept apart from the link handling so it can be tested without sockets.
#include <cstdint>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <string>

#include "hub/core/envelope.h"

namespace hub::amqp {

struct EnvelopeContext {
  std::string source;              // intake source name from hub.yaml
  std::string peer;                // remote container id / address
  int64_t received_at_ms = 0;      // unix ms
  uint64_t max_message_bytes = 0;  // 0 = unbounded
};

// String form of a message-id / correlation-id: string as-is, uuid in 8-4-4-4-12 form, ulong in
// decimal, binary as lowercase hex; empty when absent.
std::string messageIdToString(const proton::message_id& id);

// Raw body bytes: string, binary and data-section bodies as their bytes; other AMQP types in
// Proton's text rendering (the hub then quarantines them as not JSON/XML, never drops them).
std::string bodyBytes(const proton::message& m);

Envelope buildEnvelope(const proton::message& m, const EnvelopeContext& ctx);

}  // namespace hub::amqp
