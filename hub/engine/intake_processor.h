#pragma once
// Pure intake decision: (runtime, envelope) -> what to commit. Checks size, properties, content
// type, converts JSON by the rule of docs/json-to-xml.md (or parses XML safely), validates the
// event schema, matches the route and plans the deliveries. Never throws; bad input becomes a
// quarantine record with a precise reason ("<code>: <where>: <what>").
#include <cstdint>

#include "hub/engine/runtime.h"
#include "hub/pipeline/store.h"
#include "hub/xml/document.h"
#include "hub/xml/json_to_xml.h"

namespace hub::engine {

IntakeRecord processEnvelope(const Runtime& rt, Envelope env);

// The event's XML form: the JSON->XML rule (docs/json-to-xml.md) for JSON bodies (no content type
// counts as JSON), the body itself for application/xml. The store keeps only the body; workers
// derive the XML form again with this, exactly as intake did. Errors: the converter's code and
// message, or errc::kUnsupportedContentType. Bounded by `limits` (eventLimits) while converting, so
// that a hostile body costs little.
Result<std::string> eventXmlForm(const std::string& content_type, const std::string& body,
                                 const xml::JsonLimits& limits);

// The conversion bounds of intake's settings: depth and elements as configured, one string at most
// the message size, the XML form at most four times the message size.
xml::JsonLimits eventLimits(const IntakeConfig& intake);

// Plans the deliveries of an accepted event (also used by `route test`).
// Deliveries whose conditions do not hold are not planned; `history` says why. A delivery with
// delivered_before conditions is planned with requires_prior: the store decides it at commit.
Result<std::vector<PlannedDelivery>> planDeliveries(const Route& route, const xml::Document& event,
                                                    const std::string& message_id, int64_t now_ms,
                                                    std::vector<std::string>& history);

}  // namespace hub::engine
