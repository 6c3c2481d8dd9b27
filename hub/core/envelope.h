#pragma once
// Envelope: one received AMQP message as a plain value (no Proton types), handed from the intake
// thread to the store writer.
#include <cstdint>
#include <string>

namespace hub {

struct Envelope {
  std::string message_id;      // properties.message-id (string form); empty when absent
  std::string content_type;    // properties.content-type
  std::string correlation_id;  // properties.correlation-id (optional)
  std::string event_type;      // application-properties event-type
  std::string case_id;         // application-properties case-id (zaaknummer)
  std::string actor;           // application-properties actor (natural person)
  std::string occurred_at;     // application-properties occurred-at (optional, RFC 3339)
  std::string body;            // raw body bytes
  std::string source;          // intake source name from hub.yaml
  std::string peer;            // remote address / container id, for the audit trail
  int64_t received_at_ms = 0;  // unix ms
  bool oversize = false;       // body exceeded intake.max_message_bytes (body then empty)
  uint64_t oversize_bytes = 0;
};

}  // namespace hub
