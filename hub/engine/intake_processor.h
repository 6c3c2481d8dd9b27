#pragma once
// Pure intake decision: (runtime, envelope) -> what to commit. Checks size, properties, content
// type, converts JSON by the rule of SPEC §3 (or parses XML safely), validates the event schema,
// matches the route and plans the deliveries. Never throws; bad input becomes a quarantine record
// with a precise reason ("<code>: <where>: <what>").
#include <cstdint>

#include "hub/engine/runtime.h"
#include "hub/pipeline/store.h"
#include "hub/xml/document.h"

namespace hub::engine {

IntakeRecord processEnvelope(const Runtime& rt, Envelope env);

// Plans the deliveries of an accepted event (also used by `route test`).
// Deliveries whose conditions do not hold are not planned; `history` says why.
Result<std::vector<PlannedDelivery>> planDeliveries(const Route& route, const xml::Document& event,
                                                    const std::string& message_id, int64_t now_ms,
                                                    std::vector<std::string>& history);

}  // namespace hub::engine
