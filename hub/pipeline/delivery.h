#pragma once
// The boundary between the engine and a delivery adapter (rest-xml, digikoppeling-wus, ...).
// An adapter sends one attempt and classifies the result; it never sleeps, retries or decides.
// Implementations must be safe to call from several worker threads at once.
#include <string>

#include "hub/core/outcome.h"

namespace hub {

struct DeliveryRequest {
  std::string delivery_id;  // stable across attempts (X-Message-Id, wsa:MessageID)
  std::string message_id;   // the event's message-id
  std::string case_id;      // zaaknummer
  std::string event_type;
  std::string partner;
  std::string product;
  std::string body;  // the signed product XML
};

class DeliveryAdapter {
 public:
  virtual ~DeliveryAdapter() = default;
  virtual Outcome deliver(const DeliveryRequest& req) = 0;
};

}  // namespace hub
