#pragma once
// Pure checks of a request to the partner-sim (no I/O): routing, rest-xml headers, content type.
#include <optional>
#include <string>
#include <string_view>

#include "hub/core/result.h"
#include "tools/partner_sim/http_types.h"

namespace hub::sim {

enum class RouteKind { kDeliver, kHealth, kStats, kNotFound, kMethodNotAllowed };

// Partners' delivery URLs differ ("/om/kennisgevingen", "/deliver", ...), so every origin-form
// path except "/healthz" and "/stats" is a delivery endpoint: POST delivers, other methods get
// 405. GET "/healthz" answers "ok"; GET "/stats" the request counters (JSON). A target that is not
// a path ("*", absolute-form) gets 404. The query string is ignored.
RouteKind classifyRoute(std::string_view method, std::string_view target);

// The rest-xml headers of one delivery.
struct DeliveryHeaders {
  std::string message_id;  // X-Message-Id: the delivery id, also the stored file name
  std::string case_id;     // X-Case-Id (may be empty)
  std::string event_type;  // X-Event-Type (may be empty)
  std::string product;     // X-Product (may be empty unless required)
};

// The single value of a header (name lower-case); nullopt if absent; an error if repeated.
Result<std::optional<std::string>> singleHeader(const SimRequest& req, std::string_view name);

// True for "application/xml; charset=utf-8" (case-insensitive, optional spaces, quoted charset).
bool isXmlUtf8ContentType(std::string_view value);
// "<media_type>; charset=utf-8" (case-insensitive, optional quotes, one parameter).
bool isUtf8MediaType(std::string_view value, std::string_view media_type);

// A delivery id or product name usable as a file name: [A-Za-z0-9._:-], 1..128 chars, no leading
// '.'.
bool isSafeName(std::string_view s);

// Checks Content-Type, X-Message-Id (required), X-Case-Id, X-Event-Type and X-Product (required
// when require_product). Error messages are one line starting with "header ".
Result<DeliveryHeaders> checkRestXmlHeaders(const SimRequest& req, bool require_product);

// For logs: replaces the text inside '...' and "..." with "…" so that values from a document
// (which may be personal data) never reach the log.
std::string redactQuoted(std::string_view text);

}  // namespace hub::sim
