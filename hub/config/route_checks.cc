#include "hub/config/route_checks.h"

#include <cstdio>

#include "hub/config/rule_readers.h"
#include "hub/config/yaml_reader.h"
#include "hub/core/zone_time.h"

namespace hub::config {

namespace {

std::string where(const Route& route, const DeliveryRule& rule) {
  return rule.source + " (" + route.event_type + " -> " + rule.partner + "/" + rule.product + ")";
}

std::string clockTime(Millis since_midnight) {
  int64_t min = since_midnight.count() / 60000;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(min / 60),
                static_cast<int>(min % 60));
  return buf;
}

}  // namespace

void checkLegalDeadlines(const HubConfig& cfg, Diagnostics& diag) {
  for (const auto& route : cfg.routes) {
    for (const auto& rule : route.deliveries) {
      if (!rule.legal_deadline || !rule.legal_deadline->fixed()) continue;
      const LegalDeadline& legal = *rule.legal_deadline;
      Millis total = rule.deadline;
      std::string chain = "deadline " + formatDuration(rule.deadline);
      for (const auto& ch : rule.fallback) {
        auto it = cfg.engine.channels.find(ch);
        if (it == cfg.engine.channels.end()) continue;  // reported by the route reader
        total += it->second.deadline;
        chain += " + " + ch + " " + formatDuration(it->second.deadline);
      }
      if (!rule.fallback.empty()) chain += " = " + formatDuration(total);
      if (legal.end_of_day) {
        // The period runs from the moment to the next local midnight: from (almost) 24 hours
        // down to nothing for a decision at 23:59. A chain longer than a whole day never fits;
        // a shorter one fits the decisions taken early enough, which the warning names.
        const Millis day(zone::kDayMs);
        std::string what = "the legal deadline at the end of the day of " + legal.from_field +
                           " (" + legal.zone + ")";
        if (total > day)
          diag.error(where(route, rule) + ": " + chain + " does not fit inside " + what +
                     ", not even for a decision at midnight");
        else
          diag.warning(where(route, rule) + ": " + chain + " fits inside " + what +
                       " only for decisions before " + clockTime(day - total) +
                       " local time; later ones can pass it on the way");
        continue;
      }
      // With a zone `after` counts calendar days: one of them can have 23 hours.
      Millis shortest = legal.after;
      std::string calendar;
      if (!legal.zone.empty()) {
        shortest -= Millis(zone::kHourMs);
        calendar =
            " (calendar days in " + legal.zone + ": at least " + formatDuration(shortest) + ")";
      }
      if (total > shortest)
        diag.error(where(route, rule) + ": " + chain +
                   " does not fit inside the legal deadline of " + formatDuration(legal.after) +
                   " after " + legal.from_field + calendar);
    }
  }
}

void checkPriorDeliveries(const HubConfig& cfg, Diagnostics& diag) {
  for (const auto& route : cfg.routes)
    for (const auto& rule : route.deliveries)
      for (const auto& c : rule.when) {
        if (c.op != Condition::Op::kDeliveredBefore || c.partner.empty() || c.product.empty())
          continue;
        bool routed = false;
        std::vector<std::string> products;  // the partner's, for a hint
        for (const auto& r : cfg.routes)
          for (const auto& d : r.deliveries) {
            routed |= d.partner == c.partner && d.product == c.product;
            if (d.partner == c.partner) products.push_back(d.product);
          }
        if (routed) continue;
        std::string hint = closest(c.product, products);
        diag.error(c.source + " (" + route.event_type + " -> " + rule.partner + "/" + rule.product +
                   "): delivered_before " + c.partner + "/" + c.product +
                   ": no route delivers that product to that partner, so the condition never "
                   "holds" +
                   (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
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
