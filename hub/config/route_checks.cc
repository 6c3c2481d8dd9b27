#include "hub/config/route_checks.h"

#include "hub/config/rule_readers.h"
#include "hub/config/yaml_reader.h"

namespace hub::config {

void checkLegalDeadlines(const HubConfig& cfg, Diagnostics& diag) {
  for (const auto& route : cfg.routes) {
    for (const auto& rule : route.deliveries) {
      if (!rule.legal_deadline || !rule.legal_deadline->fixed()) continue;
      Millis total = rule.deadline;
      std::string chain = "deadline " + formatDuration(rule.deadline);
      for (const auto& ch : rule.fallback) {
        auto it = cfg.engine.channels.find(ch);
        if (it == cfg.engine.channels.end()) continue;  // reported by the route reader
        total += it->second.deadline;
        chain += " + " + ch + " " + formatDuration(it->second.deadline);
      }
      if (total > rule.legal_deadline->after)
        diag.error(rule.source + " (" + route.event_type + " -> " + rule.partner + "/" +
                   rule.product + "): " + chain + " = " + formatDuration(total) +
                   " does not fit inside the legal deadline of " +
                   formatDuration(rule.legal_deadline->after) + " after " +
                   rule.legal_deadline->from_field);
    }
  }
}

void checkRequiredRecipients(const std::string& file, const std::string& shown,
                             const HubConfig& cfg, Diagnostics& diag) {
  YAML::Node doc = loadYamlFile(file, shown, diag);
  if (!doc.IsDefined()) return;
  MapReader root(doc, shown, "", diag);
  root.eachEntry("required", true, [&](const std::string& event_type, MapReader& r, Position pos) {
    (void)pos;
    std::vector<std::string> partners = r.strList("partners");
    (void)r.str("why", false);
    const Route* route = cfg.findRoute(event_type);
    for (const auto& p : partners) {
      bool unconditional = false, conditional = false;
      if (route)
        for (const auto& d : route->deliveries)
          if (d.partner == p) (d.when.empty() ? unconditional : conditional) = true;
      if (unconditional) continue;
      r.error("partners", "the law requires a delivery to '" + p + "' for event type '" +
                              event_type + "', but " +
                              (!route        ? std::string("no route exists for that event type")
                               : conditional ? "the route only delivers to it under a condition"
                                             : "the route names no delivery to it"));
    }
  });
  root.finish();
}

}  // namespace hub::config
