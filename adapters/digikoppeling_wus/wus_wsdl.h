#pragma once
// The actions a partner's WSDL 1.1 defines, for `config check`: under Digikoppeling WUS the
// provider's WSDL is the contract, so an action the hub would send must be one of its input
// actions. Pure parsing plus one bounded file read; no network, no DTD, no imports followed
// (wsdl:import and XSD includes are not read: the actions must be in the file itself).
//
// An input action is
//   - the soapAction of a soap:operation (SOAP 1.1 binding, http://schemas.xmlsoap.org/wsdl/soap/)
//     inside wsdl:binding/wsdl:operation, when not empty; or
//   - the wsam:Action (http://www.w3.org/2007/05/addressing/metadata) or wsaw:Action
//     (http://www.w3.org/2006/05/addressing/wsdl, or the 2006/02 draft namespace) attribute of a
//     wsdl:portType/wsdl:operation/wsdl:input.
// The output action of the same portType operation (wsam:Action/wsaw:Action on wsdl:output), when
// the WSDL names one, is the response action it promises for that input action; a binding
// operation is matched to its portType operation by the binding's type and the operation name.
// Actions the WS-Addressing metadata rules would derive from names (no explicit attribute) are not
// computed: a contract that relies on them must be configured explicitly.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::adapters::wus {

inline constexpr size_t kMaxWsdlBytes = 4u << 20;

struct WsdlActions {
  std::set<std::string> inputs;                // every input action the WSDL defines
  std::map<std::string, std::string> outputs;  // input action -> the output action it names
};

// errc::kInvalidInput when the bytes are not XML (or carry a DTD) or the root is not
// wsdl:definitions (WSDL 1.1).
Result<WsdlActions> parseWsdlActions(std::string_view wsdl);

// Reads (at most kMaxWsdlBytes) and parses a WSDL file; the error names no path (the caller does).
Result<WsdlActions> readWsdlActions(const std::string& path);

// "" when the WSDL defines `action` as an input action and, when it names an output action for
// it, that is `response_action`; otherwise why not (one line, no path).
std::string wsdlActionProblem(const WsdlActions& wsdl, std::string_view action,
                              std::string_view response_action);

}  // namespace hub::adapters::wus
