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

// The event's XML form: the JSON->XML rule of SPEC §3 for JSON bodies (no content type counts as
// JSON), the body itself for application/xml. The store keeps only the body; workers derive the
// XML form again with this, exactly as intake did. Errors: the converter's code and message, or
// errc::kUnsupportedContentType.
Result<std::string> eventXmlForm(const std::string& content_type, const std::string& body,
                                 int max_json_depth);

// Plans the deliveries of an accepted event (also used by `route test`).
// Deliveries whose conditions do not hold are not planned; `history` says why. A delivery with
// delivered_before conditions is planned with requires_prior: the store decides it at commit.
Result<std::vector<PlannedDelivery>> planDeliveries(const Route& route, const xml::Document& event,
                                                    const std::string& message_id, int64_t now_ms,
                                                    std::vector<std::string>& history);

}  // namespace hub::engine
