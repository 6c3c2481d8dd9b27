#pragma once
// The partner-sim's side of Digikoppeling WUS profile 2W-be: pure checks of a request and the
// SOAP 1.1 answers (no I/O). Written independently of adapters/digikoppeling_wus so the
// simulator does not share the hub's mistakes.
//
// Fault codes (faultstring "<code>: <message>", and in the detail as
// <sim:fout xmlns:sim="urn:ketenhub:partner-sim:wus:1"><sim:code/><sim:omschrijving/></sim:fout>).
// DK-codes are Digikoppeling's own; the Digikoppeling standard leaves the header-syntax codes to
// the provider, so KHWUS-codes are the simulator's:
//   KHWUS-0001 Client  not a SOAP 1.1 envelope in UTF-8 (Content-Type text/xml; charset=utf-8,
//                      well-formed XML without DTD, soap:Envelope with soap:Header? soap:Body)
//   KHWUS-0002 Client  a header block 2W-be does not allow: anything but wsa:To, wsa:Action,
//                      wsa:MessageID, wsa:From, wsa:ReplyTo, or one of them twice
//   KHWUS-0003 Client  a WS-Addressing header missing or malformed: To, Action, MessageID
//                      ("urn:uuid:" + UUID) and From/Address are required; ReplyTo, when present,
//                      must be the anonymous address
//   KHWUS-0004 Client  HTTP SOAPAction (quoted) differs from wsa:Action, or the action is
//                      neither one of the configured actions (--actions) nor
//                      urn:ketenhub:<this partner>:<product>:<version> for a product without a
//                      configured action
//   KHWUS-0005 Client  soap:Body does not hold exactly one element (and no text)
//   KHWUS-0006 Client  the body child's XML-DSig does not verify (or it is not XML)
//   DK0004     Client  the body child is not valid against its XSD ("element niet conform XSD")
//   DK0050     Client  injected with --soap-fault client ("proces voor afhandelen bericht geeft
//                      fout")
//   DK0051     Server  injected with --soap-fault server, or the simulator cannot store or check
//                      ("antwoordend systeem geeft time-out")
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "hub/core/result.h"
#include "tools/partner_sim/http_types.h"

namespace hub::sim {

inline constexpr std::string_view kWusSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kWusWsaNs = "http://www.w3.org/2005/08/addressing";
inline constexpr std::string_view kWusFaultAction =
    "http://www.w3.org/2005/08/addressing/soap/fault";

inline constexpr const char* kWusNotEnvelope = "KHWUS-0001";
inline constexpr const char* kWusHeaderNotAllowed = "KHWUS-0002";
inline constexpr const char* kWusAddressing = "KHWUS-0003";
inline constexpr const char* kWusAction = "KHWUS-0004";
inline constexpr const char* kWusBody = "KHWUS-0005";
inline constexpr const char* kWusSignature = "KHWUS-0006";
inline constexpr const char* kDkSchema = "DK0004";
inline constexpr const char* kDkProcessing = "DK0050";
inline constexpr const char* kDkTimeout = "DK0051";

// The partner's contract as the simulator knows it (--actions, --response-actions): product ->
// request action, product -> response action. Empty maps: the urn:ketenhub rule and
// request action + "Response".
struct WusSimActions {
  std::map<std::string, std::string> request;
  std::map<std::string, std::string> response;
};

// A response action that is never expected (--bad-action).
inline constexpr std::string_view kWusWrongAction = "urn:ketenhub:partner-sim:unexpected-action";

struct WusRequest {
  std::string to;
  std::string action;
  std::string message_id;   // "urn:uuid:<uuid>"
  std::string delivery_id;  // message_id without "urn:uuid:"
  std::string from;         // wsa:From/wsa:Address
  std::string product;      // from the action (a configured one, or the urn:ketenhub rule)
  std::string document;     // the body child as a document of its own (UTF-8, with declaration)
};

// Checks the profile; the error's code is one of the fault codes above (all Client).
Result<WusRequest> checkWusRequest(const SimRequest& req, std::string_view partner,
                                   const WusSimActions& actions = {}, size_t max_bytes = 16u << 20);

// The response action for an accepted request: the configured one of its product, else the
// request action + "Response".
std::string wusResponseAction(const WusSimActions& actions, const WusRequest& request);

// wsa:MessageID of a request, "" when the envelope cannot be read (for the RelatesTo of a fault).
std::string wusRequestMessageId(std::string_view envelope);

// "urn:ketenhub:<partner>:<product>:<version>" -> partner and product; false otherwise.
bool parseKetenhubAction(std::string_view action, std::string& partner, std::string& product);

// True for "text/xml; charset=utf-8" (case-insensitive, optional spaces, quoted charset).
bool isSoap11ContentType(std::string_view value);

// A random UUID v4 ("urn:uuid:" + it is a response's wsa:MessageID) from three uniform [0, 1)
// draws (48 bits each).
std::string uuidV4From(double r1, double r2, double r3);

// 200 with a response envelope: wsa:Action = response_action, wsa:MessageID, wsa:RelatesTo =
// relates_to; body_element (no XML declaration) is the Body's child.
SimResponse wusResponse(std::string_view response_action, std::string_view relates_to,
                        std::string_view message_id, std::string_view body_element);

// 500 (SOAP 1.1 over HTTP) with a fault envelope; relates_to "" leaves wsa:RelatesTo out.
SimResponse wusFaultResponse(bool server, std::string_view code, std::string_view message,
                             std::string_view relates_to, std::string_view message_id);

}  // namespace hub::sim
