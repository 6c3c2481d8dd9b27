// routes/partners.yaml and routes/<domain>.yaml.
#include <algorithm>
#include <set>

#include "hub/config/loader.h"
#include "hub/config/rule_readers.h"
#include "hub/config/yaml_reader.h"

namespace hub::config {
namespace {

std::vector<std::string> keysOf(const std::map<std::string, PartnerConfig>& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

bool isCode(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string listed(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

void loadPartners(const std::string& file, const std::string& shown, const std::string& base_dir,
                  const LoadOptions& opts, HubConfig& cfg, Diagnostics& diag) {
  YAML::Node doc = loadYamlFile(file, shown, diag);
  if (!doc.IsDefined()) return;
  MapReader root(doc, shown, "", diag);
  root.eachEntry("partners", true, [&](const std::string& code, MapReader& r, Position pos) {
    PartnerConfig p;
    p.code = code;
    p.source = shown + ":" + std::to_string(pos.line);
    if (!isCode(code)) r.error("", "partner code must be lower-case letters, digits, - or _");
    p.name = r.str("name", true);
    p.adapter = r.str("adapter", true);
    if (r.has("adapter") && std::find(opts.known_adapters.begin(), opts.known_adapters.end(),
                                      p.adapter) == opts.known_adapters.end()) {
      std::string msg = "unknown adapter '" + p.adapter + "'";
      std::string hint = closest(p.adapter, opts.known_adapters);
      msg += hint.empty() ? "; known: " + listed(opts.known_adapters)
                          : "; did you mean '" + hint + "'?";
      r.error("adapter", msg);
    }
    // The coupling's own options (endpoint, tls, timeouts), read by its channel's schema; a
    // partner with an unknown adapter is checked as a rest-xml partner, so that every other error
    // is reported at once.
    const ChannelSchema *coupling = nullptr, *rest_xml = nullptr;
    for (const auto& schema : opts.channels) {
      if (!schema.primary) continue;
      if (schema.name == p.adapter) coupling = &schema;
      if (schema.name == std::string("rest-xml")) rest_xml = &schema;
    }
    if (!coupling) coupling = rest_xml;
    if (coupling && coupling->read_partner) {
      if (auto o = coupling->read_partner(r, base_dir)) p.channel_options[p.adapter] = o;
    }
    p.concurrency = r.integer("concurrency", p.concurrency, 1, 256);
    MapReader cb = r.child("circuit_breaker");
    p.breaker.failure_threshold = cb.integer("failures", p.breaker.failure_threshold, 1, 1000);
    p.breaker.open_for = cb.duration("open_for", p.breaker.open_for);
    cb.finish();
    // The partner's options of each channel that has them (securemail: recipients, print:
    // postal address), read by the channel's own schema.
    for (const auto& schema : opts.channels) {
      if (schema.primary || !schema.read_partner || !r.has(schema.name)) continue;
      MapReader c = r.child(schema.name);
      if (auto o = schema.read_partner(c, base_dir)) p.channel_options[schema.name] = o;
      c.finish();
    }
    cfg.partners[code] = std::move(p);
  });
  root.finish();
}

void loadRoutes(const std::string& file, const std::string& shown, const LoadOptions& opts,
                HubConfig& cfg, Diagnostics& diag) {
  YAML::Node doc = loadYamlFile(file, shown, diag);
  if (!doc.IsDefined()) return;
  MapReader root(doc, shown, "", diag);
  root.eachItem("routes", true, [&](MapReader& r, size_t) {
    Route route;
    route.event_type = r.str("event_type", true);
    route.source = shown + ":" + std::to_string(r.position().line);
    if (const Route* prev = cfg.findRoute(route.event_type); prev && !route.event_type.empty())
      r.error("event_type",
              "event type '" + route.event_type + "' already routed at " + prev->source);
    bool crisis = route.event_type.find("crisismaatregel") != std::string::npos ||
                  route.event_type.find("inbewaringstelling") != std::string::npos;
    MapReader docs = r.child("documents");
    route.required_documents = docs.strList("required");
    for (const auto& kind : route.required_documents)
      if (kind != "besluit" && kind != "medische-verklaring" && kind != "onderzoeksresultaten")
        docs.error("required", "unknown document kind '" + kind +
                                   "'; known: besluit, medische-verklaring, onderzoeksresultaten");
    docs.finish();
    std::set<std::pair<std::string, std::string>> seen;
    r.eachItem("deliver", true, [&](MapReader& d, size_t) {
      DeliveryRule rule;
      rule.source = shown + ":" + std::to_string(d.position().line);
      rule.partner = d.str("partner", true);
      if (d.has("partner") && !cfg.partners.count(rule.partner)) {
        std::string msg = "unknown partner '" + rule.partner + "'";
        std::string hint = closest(rule.partner, keysOf(cfg.partners));
        if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
        d.error("partner", msg);
      }
      rule.product = d.str("product", true);
      if (d.has("product") && !isCode(rule.product))
        d.error("product", "product names are lower-case letters, digits and -");
      if (!seen.insert({rule.partner, rule.product}).second)
        d.error("product", "delivery " + rule.partner + "/" + rule.product + " listed twice");
      rule.retry = readRetry(d.child("retry"), cfg.engine.retry);
      rule.deadline =
          d.duration("deadline", crisis ? cfg.engine.deadline_crisis : cfg.engine.deadline_other);
      rule.process_step = d.str("process_step", false);
      for (char c : rule.process_step)
        if (static_cast<unsigned char>(c) < 0x20) {
          d.error("process_step", "control characters are not allowed");
          break;
        }
      rule.fallback = d.strList("fallback");
      for (const auto& ch : rule.fallback)
        if (!cfg.engine.channels.count(ch)) {
          std::vector<std::string> known;
          for (const auto& [name, c] : cfg.engine.channels) known.push_back(name);
          d.error("fallback", "unknown fallback channel '" + ch + "'; known: " + listed(known));
        }
      rule.when = readConditions(d);
      rule.legal_deadline = readLegalDeadline(d);
      route.deliveries.push_back(std::move(rule));
    });
    cfg.routes.push_back(std::move(route));
  });
  root.finish();
}

}  // namespace hub::config
