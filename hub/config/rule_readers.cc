#include "hub/config/rule_readers.h"

#include <algorithm>

#include "hub/core/zone_time.h"

namespace hub::config {
namespace {

bool isFieldPath(const std::string& p) {
  if (p.size() < 2 || p[0] != '/' || p.back() == '/') return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '.';
  });
}

}  // namespace

std::string formatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  for (auto [unit, len] :
       {std::pair{"d", 86'400'000LL}, std::pair{"h", 3'600'000LL}, std::pair{"m", 60'000LL},
        std::pair{"s", 1000LL}, std::pair{"ms", 1LL}}) {
    if (ms >= len) {
      out += std::to_string(ms / len) + unit;
      ms %= len;
    }
  }
  return out;
}

std::vector<Condition> readConditions(MapReader& rule) {
  std::vector<Condition> out;
  rule.eachItem("when", false, [&](MapReader& c, size_t) {
    Condition cond;
    cond.source = c.file() + ":" + std::to_string(c.position().line);
    if (c.has("delivered_before")) {
      // On the case's own history: {delivered_before: {partner: P, product: Q}}.
      cond.op = Condition::Op::kDeliveredBefore;
      MapReader p = c.child("delivered_before");
      cond.partner = p.str("partner", true);  // not a mapping: the reader says so
      cond.product = p.str("product", true);
      p.finish();
      for (const char* key : {"field", "equals", "not_equals", "present"})
        if (c.has(key))
          c.error(key, "a delivered_before condition tests the case's history, not a field");
      (void)c.str("field", false);  // declare the keys for unknown-key checks
      (void)c.str("equals", false);
      (void)c.str("not_equals", false);
      (void)c.boolean("present", true);
      out.push_back(std::move(cond));
      return;
    }
    cond.field = c.str("field", true);
    if (c.has("field") && !isFieldPath(cond.field))
      c.error("field", "a field is an element path below <event>, like /betrokkene/toestemmingPvp");
    int ops = 0;
    if (c.has("equals")) {
      cond.op = Condition::Op::kEquals;
      cond.value = c.str("equals", false);
      ++ops;
    }
    if (c.has("not_equals")) {
      cond.op = Condition::Op::kNotEquals;
      cond.value = c.str("not_equals", false);
      ++ops;
    }
    if (c.has("present")) {
      cond.op = c.boolean("present", true) ? Condition::Op::kPresent : Condition::Op::kAbsent;
      ++ops;
    }
    (void)c.str("equals", false);  // declare the keys for unknown-key checks
    (void)c.str("not_equals", false);
    (void)c.boolean("present", true);
    (void)c.child("delivered_before");
    if (ops != 1)
      c.error("",
              "a condition needs exactly one of equals, not_equals or present (or is "
              "{delivered_before: {partner, product}})");
    out.push_back(std::move(cond));
  });
  return out;
}

std::optional<LegalDeadline> readLegalDeadline(MapReader& rule) {
  if (!rule.has("legal_deadline")) {
    (void)rule.child("legal_deadline");
    return std::nullopt;
  }
  MapReader l = rule.child("legal_deadline");
  LegalDeadline out;
  out.from_field = l.str("from", false);
  out.after = l.duration("after", Millis(0));
  std::string until = l.str("until", false);
  out.zone = l.str("zone", false);
  out.at_field = l.str("at", false);
  bool from = !out.from_field.empty(), at = !out.at_field.empty();
  if (from == at) {
    l.error("",
            "give either {from: FIELD, after: DURATION}, {from: FIELD, until: end_of_day, zone: "
            "ZONE} or {at: FIELD}");
  } else if (at) {
    for (const char* key : {"after", "until", "zone"})
      if (l.has(key))
        l.error(key, "{at: FIELD} is the field's own moment: it takes no " + std::string(key));
  } else if (l.has("after") && l.has("until")) {
    l.error("until", "give either 'after' or 'until', not both");
  } else if (l.has("until")) {
    if (until != "end_of_day")
      l.error("until", "unknown until '" + until + "'; known: end_of_day");
    else
      out.end_of_day = true;
    if (!l.has("zone"))
      l.error("until", "until: end_of_day needs the zone of that day, e.g. zone: " +
                           std::string(zone::kSupported));
  } else if (out.after.count() <= 0) {
    l.error("after", "a legal deadline counted from a field needs a positive 'after'");
  } else if (l.has("zone") && out.after.count() % zone::kDayMs != 0) {
    l.error("after", "with a zone, 'after' counts calendar days there: give whole days, like 14d");
  }
  if (l.has("zone") && !zone::supported(out.zone))
    l.error("zone", "unsupported time zone '" + out.zone +
                        "'; supported: " + std::string(zone::kSupported));
  for (const auto& f : {out.from_field, out.at_field})
    if (!f.empty() && !isFieldPath(f))
      l.error(from ? "from" : "at",
              "a field is an element path below <event>, like /besluit/datumTijd");
  l.finish();
  return out;
}

}  // namespace hub::config
