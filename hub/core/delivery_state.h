#pragma once
// States of a delivery. Stored as text in the database; names are an interface.
#include <optional>
#include <string_view>

namespace hub {

enum class DeliveryState { kPending, kInFlight, kDelivered, kRetryWait, kFallback, kDead };

inline std::string_view stateName(DeliveryState s) {
  switch (s) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kInFlight:
      return "in_flight";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kRetryWait:
      return "retry_wait";
    case DeliveryState::kFallback:
      return "fallback";
    case DeliveryState::kDead:
      return "dead";
  }
  return "?";
}

inline std::optional<DeliveryState> parseState(std::string_view s) {
  for (auto st : {DeliveryState::kPending, DeliveryState::kInFlight, DeliveryState::kDelivered,
                  DeliveryState::kRetryWait, DeliveryState::kFallback, DeliveryState::kDead})
    if (stateName(st) == s) return st;
  return std::nullopt;
}

inline bool isFinal(DeliveryState s) {
  return s == DeliveryState::kDelivered || s == DeliveryState::kDead;
}

}  // namespace hub
