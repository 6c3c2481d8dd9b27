#include "adapters/digikoppeling_wus/wus_response.h"

#include <libxml/tree.h>

#include <cctype>
#include <optional>
#include <vector>

#include "adapters/digikoppeling_wus/wus_envelope.h"
#include "hub/xml/document.h"

namespace hub::adapters::wus {
namespace {

constexpr size_t kMaxResponseBytes = 4u << 20;
constexpr size_t kMaxReasonText = 160;
constexpr std::string_view kReplyRelationship = "http://www.w3.org/2005/08/addressing/reply";

std::string_view nsOf(const xmlNode* n) {
  return n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

bool is(const xmlNode* n, std::string_view ns, std::string_view local) {
  return n && n->type == XML_ELEMENT_NODE && nsOf(n) == ns &&
         local == reinterpret_cast<const char*>(n->name);
}

std::vector<xmlNode*> elementChildren(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

xmlNode* firstChild(const xmlNode* parent, std::string_view ns, std::string_view local) {
  for (xmlNode* c : elementChildren(parent)) {
    if (is(c, ns, local)) return c;
  }
  return nullptr;
}

std::string textOf(const xmlNode* n) {
  if (!n) return {};
  xmlChar* content = xmlNodeGetContent(n);
  std::string out = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// For reasons: one line, bounded, no control characters, without cutting UTF-8 in two.
std::string shown(std::string_view text) {
  std::string out;
  for (char c : trim(text)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (out.size() > kMaxReasonText) {
    size_t n = kMaxReasonText;
    while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
    out.resize(n);
    out += "...";
  }
  return out;
}

struct Envelope {
  xmlNode* header = nullptr;  // may be null
  xmlNode* body = nullptr;
};

std::optional<Envelope> envelopeOf(const xml::Document& doc) {
  xmlNode* root = xmlDocGetRootElement(doc.raw());
  if (!is(root, kSoapNs, "Envelope")) return std::nullopt;
  Envelope env;
  env.header = firstChild(root, kSoapNs, "Header");
  env.body = firstChild(root, kSoapNs, "Body");
  if (!env.body) return std::nullopt;
  return env;
}

// The RelatesTo check; "" when it matches, otherwise the reason.
std::string relatesToProblem(const Envelope& env, std::string_view expected) {
  std::vector<xmlNode*> found;
  if (env.header) {
    for (xmlNode* c : elementChildren(env.header)) {
      if (is(c, kWsaNs, "RelatesTo")) found.push_back(c);
    }
  }
  const std::string tail = " does not match MessageID " + std::string(expected);
  if (found.empty()) return "wus: RelatesTo (missing)" + tail;
  if (found.size() > 1) return "wus: RelatesTo (repeated)" + tail;
  xmlChar* type = xmlGetProp(found[0], reinterpret_cast<const xmlChar*>("RelationshipType"));
  std::string relationship = type ? reinterpret_cast<const char*>(type) : "";
  xmlFree(type);
  const std::string value(trim(textOf(found[0])));
  if (!relationship.empty() && relationship != kReplyRelationship) {
    return "wus: RelatesTo of type '" + shown(relationship) + "'" + tail;
  }
  if (value != expected) return "wus: RelatesTo '" + shown(value) + "'" + tail;
  return {};
}

// The one header block `local` (WS-Addressing namespace); its trimmed text, or why there is not
// exactly one ("missing", "repeated").
struct HeaderValue {
  std::string value;
  std::string problem;
};

HeaderValue singleHeader(const Envelope& env, std::string_view local) {
  std::vector<xmlNode*> found;
  if (env.header) {
    for (xmlNode* c : elementChildren(env.header)) {
      if (is(c, kWsaNs, local)) found.push_back(c);
    }
  }
  if (found.empty()) return {{}, "missing"};
  if (found.size() > 1) return {{}, "repeated"};
  return {std::string(trim(textOf(found[0]))), {}};
}

// The Action check; "" when the response carries exactly the expected action.
std::string actionProblem(const Envelope& env, std::string_view expected) {
  HeaderValue action = singleHeader(env, "Action");
  const std::string tail = " is not the expected '" + shown(expected) + "'";
  if (!action.problem.empty()) return "wus: response wsa:Action (" + action.problem + ")" + tail;
  if (action.value != expected)
    return "wus: response wsa:Action '" + shown(action.value) + "'" + tail;
  return {};
}

// The MessageID check; "" when the response has exactly one urn:uuid:<UUID>.
std::string messageIdProblem(const Envelope& env) {
  HeaderValue id = singleHeader(env, "MessageID");
  const std::string tail = " is not urn:uuid:<UUID>";
  if (!id.problem.empty()) return "wus: response wsa:MessageID (" + id.problem + ")" + tail;
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (id.value.rfind(kPrefix, 0) != 0 || !wusMessageId(id.value.substr(kPrefix.size()))) {
    return "wus: response wsa:MessageID '" + shown(id.value) + "'" + tail;
  }
  return {};
}

enum class FaultClass { kClient, kServer, kOther };

// faultcode is a QName: resolve its prefix; SOAP envelope namespace or no prefix count.
FaultClass faultClassOf(xmlNode* faultcode, std::string& shown_code) {
  const std::string code(trim(textOf(faultcode)));
  shown_code = shown(code);
  std::string local = code;
  if (size_t colon = code.find(':'); colon != std::string::npos) {
    const std::string prefix = code.substr(0, colon);
    local = code.substr(colon + 1);
    xmlNs* ns =
        xmlSearchNs(faultcode->doc, faultcode, reinterpret_cast<const xmlChar*>(prefix.c_str()));
    if (!ns || !ns->href || kSoapNs != reinterpret_cast<const char*>(ns->href)) {
      return FaultClass::kOther;
    }
  }
  local = local.substr(0, local.find('.'));
  if (local == "Client" || local == "VersionMismatch" || local == "MustUnderstand") {
    return FaultClass::kClient;
  }
  if (local == "Server") return FaultClass::kServer;
  return FaultClass::kOther;
}

Outcome classifyFault(const curl::HttpResult& r, const Envelope& env, xmlNode* fault,
                      std::string_view expected) {
  // A fault without RelatesTo may come from a gateway that could not read the request; one with
  // a different RelatesTo answers another message.
  bool has_relates_to = false;
  if (env.header) has_relates_to = firstChild(env.header, kWsaNs, "RelatesTo") != nullptr;
  if (has_relates_to) {
    if (std::string problem = relatesToProblem(env, expected); !problem.empty()) {
      return Outcome::retryable(problem, r.http_status);
    }
  }
  // SOAP 1.1 fault children are unqualified.
  xmlNode* code_node = nullptr;
  xmlNode* string_node = nullptr;
  xmlNode* detail_node = nullptr;
  for (xmlNode* c : elementChildren(fault)) {
    const std::string_view name = reinterpret_cast<const char*>(c->name);
    if (name == "faultcode" && !code_node) code_node = c;
    if (name == "faultstring" && !string_node) string_node = c;
    if (name == "detail" && !detail_node) detail_node = c;
  }
  std::string code = "?";
  FaultClass cls = code_node ? faultClassOf(code_node, code) : FaultClass::kOther;
  const std::string fault_string = textOf(string_node);
  const bool dk0051 = mentionsCode0051(fault_string) || mentionsCode0051(textOf(detail_node));
  std::string reason = "wus: SOAP fault " + code;
  if (!fault_string.empty()) reason += " (" + shown(fault_string) + ")";
  if (cls == FaultClass::kClient && !dk0051) return Outcome::permanent(reason, r.http_status);
  Outcome out = Outcome::retryable(reason, r.http_status);
  if (r.http_status != 0) {
    // Honour Retry-After like rest-xml does for a transient status.
    Outcome http = curl::classifyHttp(r);
    if (http.kind == OutcomeKind::kRetryable) out.retry_after_seconds = http.retry_after_seconds;
  }
  return out;
}

}  // namespace

bool mentionsCode0051(std::string_view text) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t pos = text.find("0051"); pos != std::string_view::npos;
       pos = text.find("0051", pos + 1)) {
    const size_t end = pos + 4;
    if (end < text.size() && alnum(text[end])) continue;
    if (pos == 0 || !alnum(text[pos - 1])) return true;
    if (pos >= 2 && (text[pos - 2] == 'D' || text[pos - 2] == 'd') &&
        (text[pos - 1] == 'K' || text[pos - 1] == 'k') && (pos == 2 || !alnum(text[pos - 3]))) {
      return true;
    }
  }
  return false;
}

Outcome classifyWusResponse(const curl::HttpResult& r, const ExpectedResponse& expected) {
  const std::string_view expected_message_id = expected.message_id;
  Outcome http = curl::classifyHttp(r);
  if (r.curl_code != 0 || r.transport != curl::TransportError::kNone || r.http_status == 0) {
    return http;  // no HTTP response at all
  }
  std::optional<xml::Document> doc;
  std::string parse_error = "empty body";
  if (!r.body.empty()) {
    auto parsed = xml::Document::parseUntrusted(r.body, kMaxResponseBytes);
    if (parsed) {
      doc = std::move(*parsed);
    } else {
      parse_error = parsed.error().message;
    }
  }
  std::optional<Envelope> env;
  if (doc) env = envelopeOf(*doc);
  if (env) {
    if (xmlNode* fault = firstChild(env->body, kSoapNs, "Fault")) {
      return classifyFault(r, *env, fault, expected_message_id);
    }
  }
  if (http.kind != OutcomeKind::kDelivered) return http;
  if (!env) {
    std::string why = doc ? "root is not soap:Envelope with a soap:Body" : shown(parse_error);
    return Outcome::retryable("wus: response is not a SOAP envelope (" + why + ")", r.http_status);
  }
  if (std::string problem = relatesToProblem(*env, expected_message_id); !problem.empty()) {
    return Outcome::retryable(problem, r.http_status);
  }
  // The partner's own answer to this message from here on: a contract mismatch is permanent
  // (wus_response.h explains why).
  if (std::string problem = actionProblem(*env, expected.action); !problem.empty()) {
    return Outcome::permanent(problem, r.http_status);
  }
  if (std::string problem = messageIdProblem(*env); !problem.empty()) {
    return Outcome::permanent(problem, r.http_status);
  }
  return http;
}

}  // namespace hub::adapters::wus
