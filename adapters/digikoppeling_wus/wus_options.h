#pragma once
// The options of a digikoppeling-wus partner in routes/partners.yaml: the HTTPS coupling's
// (endpoint, tls, timeouts: adapters/https_coupling/coupling_options.h) plus the partner's WUS
// contract, all optional:
//
//   wus:
//     to: https://om.example.nl/wus        wsa:To, used as written. Default: the endpoint, with
//                                          "?OIN=<tls.expected_oin>" when that is set.
//     wsdl: wsdl/om.wsdl                   the partner's WSDL, relative to the directory of the
//                                          partners file; `config check` refuses an action (or
//                                          response action) the WSDL does not define.
//     products:                            per product (the route's `product:`)
//       kennisgeving-crisismaatregel:
//         action: urn:om:kennisgeving:1    wsa:Action and SOAPAction. Default:
//                                          urn:ketenhub:<partner>:<product>:1
//         response_action: urn:om:...      the response's wsa:Action. Default: action + "Response"
//
// Values are absolute URIs in printable ASCII without '"', '<', '>', '\' or spaces (they go into
// an XML header block and a quoted HTTP header). Errors are positional; unknown keys are errors.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/digikoppeling_wus/wus_wsdl.h"
#include "adapters/https_coupling/coupling_options.h"
#include "hub/config/yaml_reader.h"
#include "hub/core/result.h"

namespace hub::adapters::wus {

struct WusProductActions {
  std::string action;           // "" = the default
  std::string response_action;  // "" = action + "Response"
};

// What the adapter needs at run time. Immutable after create().
struct WusContract {
  std::string to;                                     // "" = the default (wsaTo)
  std::map<std::string, WusProductActions> products;  // configured per product
};

struct WusOptions : HttpsCouplingOptions {
  WusContract contract;
  std::string wsdl;         // absolute path; "" when not configured
  std::string wsdl_shown;   // the path as shown in messages (relative to hub.yaml's directory)
  std::string wsdl_source;  // "<partners file>:<line>" of wus.wsdl
  std::optional<WsdlActions> wsdl_actions;  // read at load time when wsdl is set
};

// The ChannelSchema reader for digikoppeling-wus partners (without the tls.expected_oin check,
// which WusAdapter::readOptions adds). Returns nullptr when it reported errors.
ChannelOptionsConstSharedPtr readWusOptions(config::MapReader& r, const std::string& base_dir);

// True for an absolute URI the hub can put into a header: scheme ":" rest, printable ASCII
// without '"', '<', '>', '\', at most 1024 characters.
bool isHeaderUri(std::string_view uri);

// The request action of a product: the configured one, else urn:ketenhub:<partner>:<product>:1.
Result<std::string> requestAction(const WusContract& c, std::string_view partner,
                                  std::string_view product);

// The response action expected for a product: the configured one, else request action +
// "Response".
std::string responseAction(const WusContract& c, std::string_view product,
                           std::string_view request_action);

// Checks, against the WSDL when one is configured, the actions of the products routed to the
// partner that were not configured explicitly (those were checked when the file was read).
// errc::kConfig naming the product, the action, the WSDL file and the line of wus.wsdl.
Result<void> checkRoutedActions(const WusOptions& o, std::string_view partner,
                                const std::vector<std::string>& products);

}  // namespace hub::adapters::wus
