#pragma once
// Classification of a digikoppeling-wus response. Pure: no I/O. The response body is parsed with
// hub::xml::Document::parseUntrusted (never a DTD) and read by a tree walk.
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
//      removed); Retry-After is honoured as for rest-xml. A fault's wsa:Action (the standard
//      .../addressing/soap/fault) is not checked.
//   no Fault and HTTP not 2xx                          classifyHttp (5xx/408/425/429 retryable,
//                                                     other 4xx permanent, ...)
//   HTTP 2xx, checked in this order:
//     not a SOAP 1.1 envelope                          retryable "wus: response is not a SOAP
//                                                     envelope (...)"
//     wsa:RelatesTo missing, repeated or not equal to
//       our MessageID (or a RelationshipType other
//       than .../addressing/reply)                     retryable "wus: RelatesTo ... does not match
//                                                     MessageID"
//     wsa:Action missing, repeated or not the
//       expected response action                       permanent "wus: response wsa:Action ... is
//                                                     not the expected '<action>'"
//     wsa:MessageID missing, repeated or not
//       urn:uuid:<UUID>                                permanent "wus: response wsa:MessageID ..."
//     otherwise                                        delivered; the response is the receipt
//
// Why a wrong Action or MessageID is permanent while a wrong RelatesTo is retryable: a response
// whose RelatesTo is not ours may be a mix-up on the way (a proxy, another message's answer), and
// sending again can bring the right one. A response that does relate to our message but carries
// another action, or no usable MessageID, is the partner's own answer and says the two sides
// disagree about the contract (the WSDL's operation, the 2W-be profile): every retry would get the
// same answer, so the delivery moves to its next channel at once and the reason tells the
// operator what to fix. Either way such a response is never taken as a receipt.
#include <string>
#include <string_view>

#include "hub/core/outcome.h"
#include "hub/curl/http_outcome.h"

namespace hub::adapters::wus {

struct ExpectedResponse {
  std::string_view message_id;  // our wsa:MessageID: the response's wsa:RelatesTo
  std::string_view action;      // the response's wsa:Action (wus_options.h: responseAction)
};

Outcome classifyWusResponse(const curl::HttpResult& result, const ExpectedResponse& expected);

// True when text holds Digikoppeling error code 0051: "DK0051" (any case) or "0051" not
// adjacent to another letter or digit.
bool mentionsCode0051(std::string_view text);

}  // namespace hub::adapters::wus
