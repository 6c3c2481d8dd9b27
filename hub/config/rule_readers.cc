#include "hub/config/rule_readers.h"

#include <algorithm>

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
    if (ops != 1) c.error("", "a condition needs exactly one of equals, not_equals or present");
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
  out.at_field = l.str("at", false);
  bool from = !out.from_field.empty(), at = !out.at_field.empty();
  if (from == at)
    l.error("", "give either {from: FIELD, after: DURATION} or {at: FIELD}");
  else if (from && out.after.count() <= 0)
    l.error("after", "a legal deadline counted from a field needs a positive 'after'");
  else if (!at && l.has("after") == false)
    l.error("after", "missing required key");
  for (const auto& f : {out.from_field, out.at_field})
    if (!f.empty() && !isFieldPath(f))
      l.error(from ? "from" : "at",
              "a field is an element path below <event>, like /besluit/datumTijd");
  l.finish();
  return out;
}

}  // namespace hub::config
