#include "tools/partner_sim/wus_check.h"

#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "hub/xml/document.h"
#include "hub/xml/escape.h"
#include "tools/partner_sim/request_check.h"

namespace hub::sim {
namespace {

constexpr std::string_view kAnonymous = "http://www.w3.org/2005/08/addressing/anonymous";

Unexpected<Error> fault(const char* code, const std::string& message) {
  return unexpected(code, message);
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view nsOf(const xmlNode* n) {
  return n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

std::string_view nameOf(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

bool is(const xmlNode* n, std::string_view ns, std::string_view local) {
  return n && n->type == XML_ELEMENT_NODE && nsOf(n) == ns && nameOf(n) == local;
}

std::string textOf(const xmlNode* n) {
  xmlChar* content = xmlNodeGetContent(n);
  std::string out = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

// Element children; false when there is non-whitespace text (or CDATA) among them.
bool elementChildren(const xmlNode* parent, std::vector<xmlNode*>& out) {
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      out.push_back(c);
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (!trim(textOf(c)).empty()) return false;
    }
  }
  return true;
}

// A shown name for messages: "{ns}local" without the namespace when it is soap or wsa.
std::string shownName(const xmlNode* n) {
  std::string ns(nsOf(n));
  if (ns == kWusWsaNs) return "wsa:" + std::string(nameOf(n));
  if (ns == kWusSoapNs) return "soap:" + std::string(nameOf(n));
  return (ns.empty() ? "" : "{" + ns + "}") + std::string(nameOf(n));
}

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// An EndpointReference (From, ReplyTo): exactly one wsa:Address, nothing else (Digikoppeling
// forbids the optional EPR fields).
Result<std::string> endpointAddress(const xmlNode* epr) {
  std::vector<xmlNode*> kids;
  if (!elementChildren(epr, kids) || kids.size() != 1 || !is(kids[0], kWusWsaNs, "Address")) {
    return fault(kWusAddressing, shownName(epr) + " must hold exactly one wsa:Address");
  }
  std::string address(trim(textOf(kids[0])));
  if (address.empty()) return fault(kWusAddressing, shownName(epr) + "/wsa:Address is empty");
  return address;
}

// The body child as a document of its own: the copy keeps its own namespace declarations, and
// xmlDocCopyNode declares on the copy's root any namespace it uses from the envelope (unused
// inherited declarations, soap: and wsa:, are left behind).
std::string standalone(const xmlNode* element) {
  xmlDoc* doc = xmlNewDoc(reinterpret_cast<const xmlChar*>("1.0"));
  xmlNode* copy = xmlDocCopyNode(const_cast<xmlNode*>(element), doc, 1);
  xml::Document owned = xml::Document::adopt(doc);
  if (!copy) return {};
  // No xmlReconciliateNs: it would rename nested default namespaces (ds:Signature) and break the
  // signature; xmlDocCopyNode already declares on the copy what it uses from outside.
  xmlDocSetRootElement(doc, copy);
  return owned.serialize();
}

Result<WusRequest> checkEnvelope(const xmlNode* root, WusRequest& out) {
  if (!is(root, kWusSoapNs, "Envelope")) {
    return fault(kWusNotEnvelope, "root element " + shownName(root) + " is not soap:Envelope (" +
                                      std::string(kWusSoapNs) + ")");
  }
  std::vector<xmlNode*> parts;
  if (!elementChildren(root, parts)) return fault(kWusNotEnvelope, "text in soap:Envelope");
  const xmlNode* header = nullptr;
  const xmlNode* body = nullptr;
  if (parts.size() == 2 && is(parts[0], kWusSoapNs, "Header") && is(parts[1], kWusSoapNs, "Body")) {
    header = parts[0];
    body = parts[1];
  } else if (parts.size() == 1 && is(parts[0], kWusSoapNs, "Body")) {
    body = parts[0];
  } else {
    return fault(kWusNotEnvelope, "soap:Envelope must hold soap:Header (optional) and soap:Body");
  }
  std::vector<xmlNode*> blocks;
  if (header && !elementChildren(header, blocks)) {
    return fault(kWusNotEnvelope, "text in soap:Header");
  }
  const xmlNode* to = nullptr;
  const xmlNode* action = nullptr;
  const xmlNode* message_id = nullptr;
  const xmlNode* from = nullptr;
  const xmlNode* reply_to = nullptr;
  for (const xmlNode* b : blocks) {
    const xmlNode** slot = nullptr;
    if (nsOf(b) == kWusWsaNs) {
      const std::string_view n = nameOf(b);
      slot = n == "To"          ? &to
             : n == "Action"    ? &action
             : n == "MessageID" ? &message_id
             : n == "From"      ? &from
             : n == "ReplyTo"   ? &reply_to
                                : nullptr;
    }
    if (!slot) {
      return fault(kWusHeaderNotAllowed,
                   "header block " + shownName(b) + " is not allowed in Digikoppeling 2W-be");
    }
    if (*slot) return fault(kWusHeaderNotAllowed, "header block " + shownName(b) + " repeated");
    *slot = b;
  }
  if (!to) return fault(kWusAddressing, "wsa:To missing");
  if (!action) return fault(kWusAddressing, "wsa:Action missing");
  if (!message_id) return fault(kWusAddressing, "wsa:MessageID missing");
  if (!from) return fault(kWusAddressing, "wsa:From missing");
  out.to = trim(textOf(to));
  out.action = trim(textOf(action));
  out.message_id = trim(textOf(message_id));
  if (out.to.empty()) return fault(kWusAddressing, "wsa:To is empty");
  if (out.action.empty()) return fault(kWusAddressing, "wsa:Action is empty");
  if (out.message_id.rfind("urn:uuid:", 0) != 0 || !isUuid(out.message_id.substr(9))) {
    return fault(kWusAddressing, "wsa:MessageID must be urn:uuid:<UUID>");
  }
  out.delivery_id = out.message_id.substr(9);
  auto from_address = endpointAddress(from);
  if (!from_address) return unexpected(from_address.error());
  out.from = std::move(*from_address);
  if (reply_to) {
    auto reply = endpointAddress(reply_to);
    if (!reply) return unexpected(reply.error());
    if (*reply != kAnonymous) {
      return fault(kWusAddressing, "wsa:ReplyTo must be the anonymous address (synchronous)");
    }
  }
  std::vector<xmlNode*> content;
  if (!elementChildren(body, content) || content.size() != 1) {
    return fault(kWusBody, "soap:Body must hold exactly one element, found " +
                               std::to_string(content.size()) + " (or text)");
  }
  out.document = standalone(content[0]);
  if (out.document.empty()) return fault(kWusBody, "cannot copy the soap:Body child");
  return out;
}

std::string element(std::string_view name, std::string_view text) {
  std::string out = "<" + std::string(name) + ">";
  out += xml::xmlText(text);
  return out + "</" + std::string(name) + ">";
}

std::string envelope(std::string_view header, std::string_view body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"" +
         std::string(kWusSoapNs) + "\" xmlns:wsa=\"" + std::string(kWusWsaNs) + "\"><soap:Header>" +
         std::string(header) + "</soap:Header><soap:Body>" + std::string(body) +
         "</soap:Body></soap:Envelope>\n";
}

}  // namespace

bool isSoap11ContentType(std::string_view value) { return isUtf8MediaType(value, "text/xml"); }

bool parseKetenhubAction(std::string_view action, std::string& partner, std::string& product) {
  constexpr std::string_view kPrefix = "urn:ketenhub:";
  if (action.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = action.substr(kPrefix.size());
  const size_t a = rest.find(':');
  if (a == std::string_view::npos) return false;
  const size_t b = rest.find(':', a + 1);
  if (b == std::string_view::npos) return false;
  std::string_view p = rest.substr(0, a), prod = rest.substr(a + 1, b - a - 1);
  std::string_view version = rest.substr(b + 1);
  if (!isSafeName(p) || !isSafeName(prod) || version.empty() ||
      !std::all_of(version.begin(), version.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return false;
  }
  partner = p;
  product = prod;
  return true;
}

Result<WusRequest> checkWusRequest(const SimRequest& req, std::string_view partner,
                                   const WusSimActions& actions, size_t max_bytes) {
  auto ct = singleHeader(req, "content-type");
  if (!ct) return fault(kWusNotEnvelope, ct.error().message);
  if (!ct->has_value() || !isSoap11ContentType(**ct)) {
    return fault(kWusNotEnvelope, "Content-Type must be text/xml; charset=utf-8 (SOAP 1.1)");
  }
  auto doc = xml::Document::parseUntrusted(req.body, max_bytes);
  if (!doc) return fault(kWusNotEnvelope, "xml: " + doc.error().message);
  WusRequest out;
  if (auto checked = checkEnvelope(xmlDocGetRootElement(doc->raw()), out); !checked) {
    return unexpected(checked.error());
  }
  auto soap_action = singleHeader(req, "soapaction");
  if (!soap_action) return fault(kWusAction, soap_action.error().message);
  if (!soap_action->has_value()) return fault(kWusAction, "HTTP header SOAPAction missing");
  std::string_view sa = **soap_action;
  if (sa.size() < 2 || sa.front() != '"' || sa.back() != '"') {
    return fault(kWusAction, "HTTP header SOAPAction must be a quoted string");
  }
  if (sa.substr(1, sa.size() - 2) != out.action) {
    return fault(kWusAction, "HTTP header SOAPAction differs from wsa:Action");
  }
  for (const auto& [product, action] : actions.request) {
    if (action == out.action) {
      out.product = product;
      return out;
    }
  }
  std::string action_partner;
  if (!parseKetenhubAction(out.action, action_partner, out.product)) {
    return fault(kWusAction, actions.request.empty()
                                 ? "wsa:Action is not urn:ketenhub:<partner>:<product>:<version>"
                                 : "wsa:Action is neither a configured action nor "
                                   "urn:ketenhub:<partner>:<product>:<version>");
  }
  if (!partner.empty() && action_partner != partner) {
    return fault(kWusAction, "wsa:Action is for partner '" + action_partner + "', this is '" +
                                 std::string(partner) + "'");
  }
  if (actions.request.count(out.product)) {
    return fault(kWusAction, "wsa:Action is the default one for product '" + out.product +
                                 "', whose configured action differs");
  }
  return out;
}

std::string wusResponseAction(const WusSimActions& actions, const WusRequest& request) {
  auto it = actions.response.find(request.product);
  return it != actions.response.end() ? it->second : request.action + "Response";
}

std::string wusRequestMessageId(std::string_view envelope_xml) {
  auto doc = xml::Document::parseUntrusted(envelope_xml, 16u << 20);
  if (!doc) return {};
  const xmlNode* root = xmlDocGetRootElement(doc->raw());
  if (!is(root, kWusSoapNs, "Envelope")) return {};
  for (const xmlNode* part = root->children; part; part = part->next) {
    if (!is(part, kWusSoapNs, "Header")) continue;
    for (const xmlNode* b = part->children; b; b = b->next) {
      if (is(b, kWusWsaNs, "MessageID")) return std::string(trim(textOf(b)));
    }
  }
  return {};
}

std::string uuidV4From(double r1, double r2, double r3) {
  uint8_t bytes[18];
  int i = 0;
  for (double r : {r1, r2, r3}) {
    auto v = static_cast<uint64_t>(r * 281474976710656.0);  // 2^48
    for (int k = 0; k < 6; ++k) bytes[i++] = static_cast<uint8_t>(v >> (8 * k));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

SimResponse wusResponse(std::string_view response_action, std::string_view relates_to,
                        std::string_view message_id, std::string_view body_element) {
  std::string header = element("wsa:Action", response_action) +
                       element("wsa:MessageID", message_id) + element("wsa:RelatesTo", relates_to);
  SimResponse r;
  r.status = 200;
  r.content_type = "text/xml; charset=utf-8";
  r.body = envelope(header, body_element);
  return r;
}

SimResponse wusFaultResponse(bool server, std::string_view code, std::string_view message,
                             std::string_view relates_to, std::string_view message_id) {
  std::string header =
      element("wsa:Action", kWusFaultAction) + element("wsa:MessageID", message_id);
  if (!relates_to.empty()) header += element("wsa:RelatesTo", relates_to);
  std::string body = "<soap:Fault>" + element("faultcode", server ? "soap:Server" : "soap:Client") +
                     element("faultstring", std::string(code) + ": " + std::string(message)) +
                     "<detail><sim:fout xmlns:sim=\"urn:ketenhub:partner-sim:wus:1\">" +
                     element("sim:code", code) + element("sim:omschrijving", message) +
                     "</sim:fout></detail></soap:Fault>";
  SimResponse r;
  r.status = 500;
  r.content_type = "text/xml; charset=utf-8";
  r.body = envelope(header, body);
  return r;
}

}  // namespace hub::sim
