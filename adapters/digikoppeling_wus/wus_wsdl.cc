#include "adapters/digikoppeling_wus/wus_wsdl.h"

#include <libxml/tree.h>

#include <fstream>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"

namespace hub::adapters::wus {
namespace {

constexpr std::string_view kWsdlNs = "http://schemas.xmlsoap.org/wsdl/";
constexpr std::string_view kWsdlSoap11Ns = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr const char* kActionNamespaces[] = {
    "http://www.w3.org/2007/05/addressing/metadata",  // wsam
    "http://www.w3.org/2006/05/addressing/wsdl",      // wsaw
    "http://www.w3.org/2006/02/addressing/wsdl",      // wsaw, candidate recommendation
};

std::string_view nsOf(const xmlNode* n) {
  return n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

bool is(const xmlNode* n, std::string_view ns, std::string_view local) {
  return n && n->type == XML_ELEMENT_NODE && nsOf(n) == ns &&
         local == reinterpret_cast<const char*>(n->name);
}

std::vector<const xmlNode*> children(const xmlNode* parent, std::string_view ns,
                                     std::string_view local) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = parent->children; c; c = c->next) {
    if (is(c, ns, local)) out.push_back(c);
  }
  return out;
}

std::string trimmed(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  return s.substr(i);
}

// An unqualified attribute ("" when absent).
std::string attribute(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return trimmed(std::move(out));
}

// wsam:Action / wsaw:Action on an input or output ("" when absent).
std::string actionAttribute(const xmlNode* n) {
  for (const char* ns : kActionNamespaces) {
    xmlChar* v = xmlGetNsProp(n, reinterpret_cast<const xmlChar*>("Action"),
                              reinterpret_cast<const xmlChar*>(ns));
    std::string out = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    if (!(out = trimmed(std::move(out))).empty()) return out;
  }
  return {};
}

// The local part of a QName attribute value ("tns:OmPortType" -> "OmPortType").
std::string localPart(const std::string& qname) {
  const size_t colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}

struct Operation {
  std::string input;   // explicit input action, may be ""
  std::string output;  // explicit output action, may be ""
};

}  // namespace

Result<WsdlActions> parseWsdlActions(std::string_view wsdl) {
  auto doc = xml::Document::parseUntrusted(wsdl, kMaxWsdlBytes);
  if (!doc) return unexpected(errc::kInvalidInput, "not a usable XML file: " + doc.error().message);
  const xmlNode* root = xmlDocGetRootElement(doc->raw());
  if (!is(root, kWsdlNs, "definitions")) {
    return unexpected(errc::kInvalidInput,
                      "not a WSDL 1.1 document (root element is not wsdl:definitions in " +
                          std::string(kWsdlNs) + ")");
  }
  // portType name + "/" + operation name -> its explicit actions.
  std::map<std::string, Operation> operations;
  WsdlActions out;
  for (const xmlNode* port_type : children(root, kWsdlNs, "portType")) {
    const std::string type_name = attribute(port_type, "name");
    for (const xmlNode* op : children(port_type, kWsdlNs, "operation")) {
      Operation o;
      for (const xmlNode* in : children(op, kWsdlNs, "input")) o.input = actionAttribute(in);
      for (const xmlNode* res : children(op, kWsdlNs, "output")) o.output = actionAttribute(res);
      if (!o.input.empty()) {
        out.inputs.insert(o.input);
        if (!o.output.empty()) out.outputs.emplace(o.input, o.output);
      }
      operations[type_name + "/" + attribute(op, "name")] = o;
    }
  }
  for (const xmlNode* binding : children(root, kWsdlNs, "binding")) {
    const std::string type_name = localPart(attribute(binding, "type"));
    for (const xmlNode* op : children(binding, kWsdlNs, "operation")) {
      for (const xmlNode* soap_op : children(op, kWsdlSoap11Ns, "operation")) {
        const std::string action = attribute(soap_op, "soapAction");
        if (action.empty()) continue;
        out.inputs.insert(action);
        auto it = operations.find(type_name + "/" + attribute(op, "name"));
        if (it != operations.end() && !it->second.output.empty()) {
          out.outputs.emplace(action, it->second.output);
        }
      }
    }
  }
  return out;
}

Result<WsdlActions> readWsdlActions(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kIo, "cannot be read");
  std::string bytes;
  bytes.resize(kMaxWsdlBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) return unexpected(errc::kIo, "cannot be read");
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > kMaxWsdlBytes) {
    return unexpected(errc::kTooLarge,
                      "larger than " + std::to_string(kMaxWsdlBytes >> 20) + " MiB");
  }
  return parseWsdlActions(bytes);
}

std::string wsdlActionProblem(const WsdlActions& wsdl, std::string_view action,
                              std::string_view response_action) {
  if (!wsdl.inputs.count(std::string(action))) {
    return "action '" + std::string(action) + "' is not an input action of the WSDL (" +
           std::to_string(wsdl.inputs.size()) +
           " defined as soap:operation/@soapAction or wsam:Action/wsaw:Action on a wsdl:input)";
  }
  auto it = wsdl.outputs.find(std::string(action));
  if (it != wsdl.outputs.end() && it->second != response_action) {
    return "response action '" + std::string(response_action) +
           "' differs from the output action '" + it->second + "' the WSDL names for action '" +
           std::string(action) + "'";
  }
  return {};
}

}  // namespace hub::adapters::wus
