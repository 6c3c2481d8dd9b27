#pragma once
// Status notifications and dead letters (pure): the small JSON messages the hub publishes when a
// delivery switches channel or reaches a final state. Information-poor by design: ids, codes and
// the time — never personal data, never a payload; the dossier holder looks details up at the
// source.
//   {"delivery_id","message_id","zaaknummer","partner","product","channel","state","time",
//    "reason_code"}
// reason_code is one of: delivered, deadline_passed, permanent_error, circuit_open,
// not_configured, retrying.
#include <cstdint>
#include <string>

namespace hub::engine {

struct StatusNote {
  std::string delivery_id, message_id, case_id, partner, product;
  std::string channel;  // the channel the delivery is on now (or delivered by / died on)
  std::string state;    // fallback | delivered | dead
  int64_t at_ms = 0;
  std::string reason_code;
};

std::string notificationJson(const StatusNote& note);

// Reason code of a channel result ("deadline passed ..." -> deadline_passed, ...).
std::string reasonCode(const std::string& reason, bool delivered);

}  // namespace hub::engine
