#include "hub/engine/notification.h"

#include <boost/json.hpp>

#include "hub/core/time_format.h"

namespace hub::engine {

std::string notificationJson(const StatusNote& n) {
  boost::json::object o{
      {"delivery_id", n.delivery_id},
      {"message_id", n.message_id},
      {"zaaknummer", n.case_id},
      {"partner", n.partner},
      {"product", n.product},
      {"channel", n.channel},
      {"state", n.state},
      {"time", formatRfc3339Utc(n.at_ms)},
      {"reason_code", n.reason_code},
  };
  return boost::json::serialize(o);
}

std::string reasonCode(const std::string& reason, bool delivered) {
  if (delivered) return "delivered";
  // The last cause mentioned decides (reasons accumulate channel by channel).
  size_t circuit = reason.rfind("circuit"), deadline = reason.rfind("deadline passed"),
         permanent = reason.rfind("permanent error"), missing = reason.rfind("not configured");
  size_t best = std::string::npos;
  std::string code = "retrying";
  for (auto [pos, c] : {std::pair{circuit, "circuit_open"},
                        {deadline, "deadline_passed"},
                        {permanent, "permanent_error"},
                        {missing, "not_configured"}}) {
    if (pos != std::string::npos && (best == std::string::npos || pos > best)) {
      best = pos;
      code = c;
    }
  }
  return code;
}

}  // namespace hub::engine
