#include "hub/engine/intake_processor.h"

#include <atomic>
#include <string_view>

#include "hub/audit/record_line.h"
#include "hub/core/error_codes.h"
#include "hub/engine/delivery_id.h"
#include "hub/engine/event_documents.h"
#include "hub/engine/event_rules.h"
#include "hub/xml/document.h"
#include "hub/xml/document_query.h"
#include "hub/xml/json_to_xml.h"

namespace hub::engine {
namespace {

IntakeRecord quarantine(Envelope env, const std::string& code, const std::string& what) {
  IntakeRecord r;
  r.env = std::move(env);
  r.quarantined = true;
  r.reason = code + ": " + what;
  return r;
}

std::string synthesizedId(const Envelope& env) {
  static std::atomic<uint64_t> counter{0};
  return "urn:ketenhub:missing-message-id:" + std::to_string(env.received_at_ms) + "-" +
         std::to_string(counter.fetch_add(1));
}

// A reason carries no value from the message: a property is repeated only when it has the shape
// of what belongs there (an event type: lower-case dotted words; a content type: type/subtype
// with plain parameters); any other text (a name, a number, CR/LF, an escape sequence, forged
// JSON) is described, not quoted.
bool isWord(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool eventTypeShaped(std::string_view v) {
  if (v.size() > 100 || v.find('.') == std::string_view::npos) return false;
  bool word_start = true;  // each dot-separated word starts with a letter and is not empty
  for (char c : v) {
    if (c == '.') {
      if (word_start) return false;
      word_start = true;
      continue;
    }
    if (word_start ? !(c >= 'a' && c <= 'z') : !(isWord(c) || c == '_')) return false;
    word_start = false;
  }
  return !word_start;
}

bool contentTypeShaped(std::string_view v) {
  const size_t slash = v.find('/');
  if (v.size() > 100 || slash == 0 || slash == std::string_view::npos) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const bool ok = isWord(c) || (c >= 'A' && c <= 'Z') ||
                    std::string_view("./+;=_").find(c) != std::string_view::npos;
    if (!ok || (i < slash && !(c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

std::string contentTypeProblem(const std::string& ct) {
  return (contentTypeShaped(ct) ? "'" + ct + "'" : std::string("the content type")) +
         " is not application/json or application/xml";
}

bool isJsonType(const std::string& ct) {
  return ct.empty() || ct.rfind("application/json", 0) == 0;
}
bool isXmlType(const std::string& ct) { return ct.rfind("application/xml", 0) == 0; }

// The zaaknummer in the body must equal the case-id property (it keys ordering and audit).
std::string bodyZaaknummer(const xml::Document& doc);

}  // namespace

xml::JsonLimits eventLimits(const IntakeConfig& intake) {
  xml::JsonLimits l;
  l.max_depth = static_cast<size_t>(intake.max_json_depth);
  l.max_elements = static_cast<size_t>(intake.max_elements);
  l.max_string_bytes = intake.max_message_bytes;
  l.max_output_bytes = 4 * intake.max_message_bytes;
  return l;
}

Result<std::string> eventXmlForm(const std::string& content_type, const std::string& body,
                                 const xml::JsonLimits& limits) {
  if (isJsonType(content_type)) return xml::jsonToXml(body, limits);
  if (isXmlType(content_type)) return body;
  return unexpected(errc::kUnsupportedContentType,
                    "content type: " + contentTypeProblem(content_type));
}

Result<std::vector<PlannedDelivery>> planDeliveries(const Route& route, const xml::Document& event,
                                                    const std::string& message_id, int64_t now_ms,
                                                    std::vector<std::string>& history) {
  std::vector<PlannedDelivery> out;
  for (const auto& rule : route.deliveries) {
    std::string why;
    if (!conditionsHold(rule.when, event, why)) {
      history.push_back("not planned " + rule.partner + "/" + rule.product + ": " + why);
      continue;
    }
    PlannedDelivery d;
    d.delivery_id = deliveryId(message_id, rule.partner, rule.product);
    d.partner = rule.partner;
    d.product = rule.product;
    d.deadline_at = now_ms + rule.deadline.count();
    if (rule.legal_deadline) {
      auto legal = legalPeriod(*rule.legal_deadline, event, now_ms);
      if (!legal) return unexpected(legal.error());
      d.legal_start_at = legal->start_at;
      d.legal_deadline_at = legal->deadline_at;
    }
    d.requires_prior = priorDeliveries(rule.when);
    std::string prior;  // decided by the store, against the case's history
    for (const auto& p : d.requires_prior)
      prior += (prior.empty() ? ", if this case has a delivery " : " and ") + p.partner + "/" +
               p.product;
    history.push_back("planned " + rule.partner + "/" + rule.product + " delivery " +
                      d.delivery_id + prior);
    out.push_back(std::move(d));
  }
  return out;
}

IntakeRecord processEnvelope(const Runtime& rt, Envelope env) {
  const auto& cfg = *rt.cfg;
  if (env.message_id.empty()) {
    env.message_id = synthesizedId(env);
    return quarantine(std::move(env), errc::kMissingProperty,
                      "properties.message-id: required property is missing");
  }
  if (env.oversize)
    return quarantine(std::move(env), errc::kTooLarge,
                      "body: " + std::to_string(env.oversize_bytes) + " bytes exceeds " +
                          "intake.max_message_bytes " +
                          std::to_string(cfg.intake.max_message_bytes));
  if (env.body.size() > cfg.intake.max_message_bytes) {
    env.oversize_bytes = env.body.size();
    env.body.clear();
    return quarantine(std::move(env), errc::kTooLarge,
                      "body: " + std::to_string(env.oversize_bytes) + " bytes exceeds " +
                          "intake.max_message_bytes " +
                          std::to_string(cfg.intake.max_message_bytes));
  }
  for (auto [name, value] : {std::pair{"event-type", &env.event_type},
                             std::pair{"case-id", &env.case_id}, std::pair{"actor", &env.actor}}) {
    if (value->empty())
      return quarantine(
          std::move(env), errc::kMissingProperty,
          std::string("application-properties.") + name + ": required property is missing");
  }
  const Route* route = cfg.findRoute(env.event_type);
  auto schema_it = rt.event_schemas.find(env.event_type);
  if (!route || schema_it == rt.event_schemas.end())
    return quarantine(std::move(env), errc::kUnknownEventType,
                      "application-properties.event-type: no route for " +
                          (eventTypeShaped(env.event_type) ? "event type '" + env.event_type + "'"
                                                           : std::string("this event type")));

  if (!isJsonType(env.content_type) && !isXmlType(env.content_type)) {
    return quarantine(std::move(env), errc::kUnsupportedContentType,
                      "properties.content-type: " + contentTypeProblem(env.content_type));
  }
  auto form = eventXmlForm(env.content_type, env.body, eventLimits(cfg.intake));
  if (!form) return quarantine(std::move(env), form.error().code, "body: " + form.error().message);
  std::string xml_text = std::move(*form);
  auto doc = xml::Document::parseUntrusted(xml_text, cfg.intake.max_message_bytes * 4,
                                           static_cast<size_t>(cfg.intake.max_elements));
  if (!doc) return quarantine(std::move(env), doc.error().code, "body: " + doc.error().message);
  if (doc->rootName() != "event")
    return quarantine(std::move(env), errc::kSchemaViolation,
                      "body: root element is '" + doc->rootName() + "', expected 'event'");
  if (auto old = checkSpelling(*doc))
    return quarantine(std::move(env), errc::kSchemaViolation, old->where + ": " + old->what);
  if (auto v = schema_it->second->validate(*doc); !v)
    return quarantine(std::move(env), errc::kSchemaViolation,
                      "schemas/events/" + env.event_type + ".xsd: " + v.error().message);
  std::string zaak = bodyZaaknummer(*doc);
  if (!zaak.empty() && zaak != env.case_id)
    return quarantine(std::move(env), errc::kCaseMismatch,
                      "/event/zaaknummer: differs from application-properties.case-id");

  auto bsns = xml::allElementTexts(*doc, "bsn");
  for (const auto& bsn : bsns)
    if (!bsnElfproef(bsn))
      return quarantine(std::move(env), errc::kSchemaViolation,
                        "bsn: fails the 11-check (elfproef)");

  if (auto bad = checkDocuments(*doc, route->required_documents))
    return quarantine(std::move(env), errc::kDocument, bad->where + ": " + bad->what);

  IntakeRecord rec;
  if (!rt.person_key.empty()) rec.person_hash = audit::personHash(rt.person_key, bsns);
  rec.history.push_back("accepted event type " + env.event_type + " from source " + env.source);
  auto planned = planDeliveries(*route, *doc, env.message_id, env.received_at_ms, rec.history);
  if (!planned)
    return quarantine(std::move(env), planned.error().code, "body: " + planned.error().message);
  rec.deliveries = std::move(*planned);
  rec.event_xml = std::move(xml_text);
  rec.env = std::move(env);
  return rec;
}

namespace {
std::string bodyZaaknummer(const xml::Document& doc) {
  return xml::rootChildText(doc, "zaaknummer");
}
}  // namespace

}  // namespace hub::engine
