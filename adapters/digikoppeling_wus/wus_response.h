#pragma once
// Classification of a digikoppeling-wus response (SPEC §5). Pure: no I/O. The response body is
// parsed with hub::xml::Document::parseUntrusted (never a DTD) and read by a tree walk.
//
//   no HTTP response (connect, TLS, timeout)          classifyHttp: retryable
//   a SOAP 1.1 Fault in the body (any HTTP status; SOAP 1.1 sends it with 500):
//     wsa:RelatesTo present and not our MessageID     retryable "wus: RelatesTo ... does not match
//                                                     MessageID" (not an answer to this message)
//     faultcode Server, or Digikoppeling code 0051
//       (DK0051 / a "0051" token in faultstring or
//       detail; even with faultcode Client)            retryable "wus: SOAP fault Server ..."
//     faultcode Client, VersionMismatch,
//       MustUnderstand                                 permanent "wus: SOAP fault Client ..."
//     any other faultcode                              retryable
//     (faultcodes are QNames in the SOAP envelope namespace, or unprefixed; "Client.Sub" counts
//      as Client.) The reason carries the code and the faultstring (bounded, control characters
//      removed); Retry-After is honoured as for rest-xml.
//   no Fault and HTTP not 2xx                          classifyHttp (5xx/408/425/429 retryable,
//                                                     other 4xx permanent, ...)
//   HTTP 2xx:
//     not a SOAP 1.1 envelope                          retryable "wus: response is not a SOAP
//                                                     envelope (...)"
//     wsa:RelatesTo missing, repeated or not equal to
//       our MessageID (or a RelationshipType other
//       than .../addressing/reply)                     retryable "wus: RelatesTo ... does not match
//                                                     MessageID"
//     otherwise                                        delivered; the response is the receipt
#include <string>
#include <string_view>

#include "hub/core/outcome.h"
#include "hub/curl/http_outcome.h"

namespace hub::adapters::wus {

Outcome classifyWusResponse(const curl::HttpResult& result, std::string_view expected_message_id);

// True when text holds Digikoppeling error code 0051: "DK0051" (any case) or "0051" not
// adjacent to another letter or digit.
bool mentionsCode0051(std::string_view text);

}  // namespace hub::adapters::wus
