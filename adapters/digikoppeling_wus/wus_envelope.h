#pragma once
// The request side of the digikoppeling-wus adapter (Digikoppeling WUS profile 2W-be): pure
// functions, no I/O.
//
// The envelope (SOAP 1.1, UTF-8, no whitespace between elements):
//   <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
//                  xmlns:wsa="http://www.w3.org/2005/08/addressing">
//     <soap:Header>                    only the WS-Addressing 1.0 headers, in this order:
//       <wsa:To>endpoint[?OIN=partner OIN]</wsa:To>                  or the configured wus.to
//       <wsa:Action>urn:ketenhub:<partner>:<product>:1</wsa:Action>  or the configured action
//       <wsa:MessageID>urn:uuid:<delivery id></wsa:MessageID>      the same on every retry
//       <wsa:From><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous?OIN=<hub OIN>
//       </wsa:Address></wsa:From>
//     </soap:Header>
//     <soap:Body>SIGNED PRODUCT</soap:Body>                       exactly one child
//   </soap:Envelope>
//
// The signed product is embedded byte for byte: only a leading BOM, its XML declaration and the
// whitespace around the root element are removed. Its enveloped signature (Reference URI="",
// exclusive c14n) still verifies once the receiver takes the Body child as a document of its
// own: exclusive c14n leaves out the namespace declarations the product inherits from the
// envelope (soap:, wsa:), because the product does not use them.
//
// The default action rule: wsa:Action (and the HTTP SOAPAction) = "urn:ketenhub:" + partner code +
// ":" + product + ":" + kWusActionVersion. One operation per (partner, product); the version
// changes when the product's schema changes incompatibly. The provider's WSDL is the contract:
// when a partner's WSDL defines other actions, they are configured per product in
// routes/partners.yaml (wus_options.h), and `config check` compares them with the WSDL.
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::adapters::wus {

inline constexpr std::string_view kSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kWsaNs = "http://www.w3.org/2005/08/addressing";
inline constexpr std::string_view kWsaAnonymous = "http://www.w3.org/2005/08/addressing/anonymous";
inline constexpr std::string_view kWusActionVersion = "1";

struct EnvelopeHeaders {
  std::string to;          // wsa:To
  std::string action;      // wsa:Action
  std::string message_id;  // wsa:MessageID
  std::string from;        // wsa:From/wsa:Address
};

// "urn:ketenhub:<partner>:<product>:1". errc::kInvalidInput when partner or product is empty or
// holds a character outside [A-Za-z0-9._-] (they become part of a URN and an HTTP header).
Result<std::string> wusAction(std::string_view partner, std::string_view product);

// "urn:uuid:" + delivery id. errc::kInvalidInput unless the id is a UUID (8-4-4-4-12 hex).
Result<std::string> wusMessageId(std::string_view delivery_id);

// The endpoint, plus "?OIN=<expected_oin>" ("&OIN=" when it already has a query) when the
// partner's OIN is configured (tls.expected_oin); any #fragment stays last.
std::string wsaTo(std::string_view endpoint, std::string_view partner_oin);

// "http://www.w3.org/2005/08/addressing/anonymous?OIN=<hub OIN>".
std::string wsaFrom(std::string_view hub_oin);

// Strips a UTF-8 BOM, the XML declaration and surrounding whitespace from a signed product.
// errc::kInvalidInput when what is left does not start with an element (a DOCTYPE, a comment or
// processing instruction before the root, text) or the declaration names an encoding other than
// UTF-8.
Result<std::string_view> productElement(std::string_view signed_product);

// The whole envelope, "<?xml version="1.0" encoding="UTF-8"?>" first. Header values are
// XML-escaped; errc::kInvalidInput when one holds a control character.
Result<std::string> buildEnvelope(const EnvelopeHeaders& headers, std::string_view signed_product);

}  // namespace hub::adapters::wus
