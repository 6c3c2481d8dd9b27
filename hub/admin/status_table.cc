#include "hub/admin/status_table.h"

#include <algorithm>
#include <boost/json.hpp>
#include <vector>

namespace hub::admin {
namespace {

namespace bj = boost::json;

constexpr const char* kRed = "\x1b[31;1m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";
constexpr size_t kMaxReason = 70;

struct Cell {
  std::string text;
  const char* colour = nullptr;
};
struct Column {
  std::string name;
  bool right = false;  // numbers align right
};
using Row = std::vector<Cell>;

// Display width of UTF-8 text: code points (continuation bytes do not count).
size_t width(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string clip(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (width(s) <= max) return s;
  size_t cut = 0, seen = 0;
  while (cut < s.size() && seen < max - 1) {
    ++cut;
    while (cut < s.size() && (s[cut] & 0xC0) == 0x80) ++cut;
    ++seen;
  }
  return s.substr(0, cut) + "…";
}

std::string render(const std::vector<Column>& cols, const std::vector<Row>& rows, bool colour) {
  std::vector<size_t> w(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) w[i] = width(cols[i].name);
  for (const auto& r : rows)
    for (size_t i = 0; i < cols.size() && i < r.size(); ++i)
      w[i] = std::max(w[i], width(r[i].text));
  std::string out;
  auto line = [&](const std::vector<Cell>& cells) {
    std::string l;
    for (size_t i = 0; i < cols.size(); ++i) {
      const Cell c = i < cells.size() ? cells[i] : Cell{};
      std::string pad(w[i] - width(c.text), ' ');
      bool last = i + 1 == cols.size();
      std::string text = colour && c.colour ? c.colour + c.text + kReset : c.text;
      l += cols[i].right ? pad + text : text + (last ? "" : pad);
      if (!last) l += "  ";
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  Row header;
  for (const auto& c : cols) header.push_back({c.name, kBold});
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

const bj::object& objectOr(const bj::value& v) {
  static const bj::object kEmpty;
  return v.is_object() ? v.get_object() : kEmpty;
}

int64_t num(const bj::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

std::string str(const bj::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_null()) return "";
  return bj::serialize(*v);
}

struct PartnerRow {
  std::string name, state;
  int severity = 0;
  Row cells;
};

PartnerRow partnerRow(const std::string& name, const bj::object& p) {
  int64_t dead = num(p, "dead"), in_time = num(p, "dead_within_legal_deadline");
  int64_t waiting = num(p, "retry_wait") + num(p, "fallback");
  std::string hub_state = str(p, "state").empty() ? "ok" : str(p, "state");
  std::string circuit = str(p, "circuit");
  PartnerRow r{name, hub_state, 0, {}};
  auto raise = [&](int sev, const char* label) {
    if (sev > r.severity) r.severity = sev;
    if (hub_state == "ok" && r.state == "ok") r.state = label;
  };
  if (hub_state != "ok" && hub_state != "paused") raise(5, "");  // circuit-open
  if (!circuit.empty() && circuit != "closed") raise(5, "circuit-open");
  if (in_time > 0) raise(4, "dead-in-time");
  if (hub_state == "paused") raise(3, "");
  if (dead > 0) raise(2, "dead");
  if (waiting > 0) raise(1, "degraded");
  const char* state_colour = r.severity >= 4 ? kRed : r.severity >= 1 ? kYellow : kGreen;
  int64_t in_flight = p.contains("in_flight_now") ? num(p, "in_flight_now") : num(p, "in_flight");
  auto n = [](int64_t v, const char* c = nullptr) {
    return Cell{std::to_string(v), v ? c : nullptr};
  };
  r.cells = {{name},
             {r.state, state_colour},
             n(num(p, "pending")),
             n(in_flight),
             n(num(p, "retry_wait"), kYellow),
             n(num(p, "fallback"), kYellow),
             n(dead, kYellow),
             n(in_time, kRed),
             {circuit, circuit.empty() || circuit == "closed" ? nullptr : kRed}};
  return r;
}

std::string cursorLine(const bj::object& list) {
  std::string next = str(list, "next_cursor");
  return next.empty() ? "" : "more: add --cursor " + next + "\n";
}

void pretty(const bj::value& v, const std::string& indent, std::string& out) {
  const std::string inner = indent + "  ";
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    size_t i = 0;
    for (const auto& kv : o) {
      out += inner + bj::serialize(bj::value(kv.key())) + ": ";
      pretty(kv.value(), inner, out);
      out += ++i < o.size() ? ",\n" : "\n";
    }
    out += indent + "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a.size(); ++i) {
      out += inner;
      pretty(a[i], inner, out);
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += indent + "]";
  } else {
    out += bj::serialize(v);
  }
}

}  // namespace

std::string statusTable(const bj::value& status, bool colour) {
  const auto& root = objectOr(status);
  std::vector<PartnerRow> partners;
  if (auto* ps = root.if_contains("partners"); ps && ps->is_object())
    for (const auto& kv : ps->get_object())
      partners.push_back(partnerRow(std::string(kv.key()), objectOr(kv.value())));
  std::sort(partners.begin(), partners.end(), [](const PartnerRow& a, const PartnerRow& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.name < b.name;
  });
  std::string out;
  if (partners.empty()) {
    out += "no partners\n";
  } else {
    std::vector<Row> rows;
    for (auto& p : partners) rows.push_back(std::move(p.cells));
    out += render({{"PARTNER"},
                   {"STATE"},
                   {"PENDING", true},
                   {"IN FLIGHT", true},
                   {"RETRY WAIT", true},
                   {"FALLBACK", true},
                   {"DEAD", true},
                   {"DEAD IN TIME", true},
                   {"CIRCUIT"}},
                  rows, colour);
  }
  std::vector<std::pair<std::string, bool>> sources;
  if (auto* in = root.if_contains("intake"); in && in->is_object())
    for (const auto& kv : in->get_object()) {
      auto* c = objectOr(kv.value()).if_contains("connected");
      sources.push_back({std::string(kv.key()), c && c->is_bool() && c->get_bool()});
    }
  std::stable_sort(sources.begin(), sources.end(),
                   [](const auto& a, const auto& b) { return !a.second && b.second; });
  out += "\n";
  if (sources.empty()) {
    out += "no intake sources\n";
  } else {
    std::vector<Row> rows;
    for (const auto& [name, up] : sources)
      rows.push_back({{name}, {up ? "yes" : "no", up ? kGreen : kRed}});
    out += render({{"INTAKE"}, {"CONNECTED"}}, rows, colour);
  }
  if (auto* w = root.if_contains("store_writable"); w && w->is_bool()) {
    bool ok = w->get_bool();
    std::string text = ok ? "writable" : "NOT WRITABLE";
    out += "\nstore: " + (colour ? std::string(ok ? kGreen : kRed) + text + kReset : text) + "\n";
  }
  return out;
}

std::string clusterTable(const bj::value& cluster, bool colour) {
  const auto& root = objectOr(cluster);
  std::vector<Row> rows;
  if (auto* items = root.if_contains("instances"); items && items->is_array())
    for (const auto& v : items->get_array()) {
      const auto& i = objectOr(v);
      auto* self = i.if_contains("self");
      bool me = self && self->is_bool() && self->get_bool();
      std::string state = str(i, "state");
      rows.push_back({{str(i, "id") + (me ? " *" : "")},
                      {state, state == "alive" ? kGreen : kRed},
                      {std::to_string(num(i, "heartbeat_age_s")) + " s"},
                      {std::to_string(num(i, "in_flight"))},
                      {str(i, "host")},
                      {str(i, "version")}});
    }
  if (rows.empty()) return "no instances\n";
  return render({{"INSTANCE"},
                 {"STATE"},
                 {"HEARTBEAT AGE", true},
                 {"IN FLIGHT", true},
                 {"HOST"},
                 {"VERSION"}},
                rows, colour);
}

std::string deadDeliveriesTable(const bj::value& list) {
  const auto& root = objectOr(list);
  std::vector<Row> rows;
  if (auto* items = root.if_contains("items"); items && items->is_array())
    for (const auto& v : items->get_array()) {
      const auto& d = objectOr(v);
      std::string since = str(d, "final_at").empty() ? str(d, "updated_at") : str(d, "final_at");
      rows.push_back({{str(d, "delivery_id")},
                      {str(d, "partner")},
                      {str(d, "product")},
                      {str(d, "event_type")},
                      {str(d, "zaaknummer")},
                      {std::to_string(num(d, "attempts"))},
                      {since},
                      {str(d, "legal_deadline_at")},
                      {clip(str(d, "reason"), kMaxReason)}});
    }
  if (rows.empty()) return "no dead deliveries\n" + cursorLine(root);
  return render({{"DELIVERY ID"},
                 {"PARTNER"},
                 {"PRODUCT"},
                 {"EVENT TYPE"},
                 {"ZAAKNUMMER"},
                 {"ATTEMPTS", true},
                 {"DEAD SINCE"},
                 {"LEGAL DEADLINE"},
                 {"REASON"}},
                rows, false) +
         cursorLine(root);
}

std::string quarantineTable(const bj::value& list) {
  const auto& root = objectOr(list);
  std::vector<Row> rows;
  if (auto* items = root.if_contains("items"); items && items->is_array())
    for (const auto& v : items->get_array()) {
      const auto& e = objectOr(v);
      rows.push_back({{str(e, "message_id")},
                      {str(e, "event_type")},
                      {str(e, "zaaknummer")},
                      {str(e, "source")},
                      {str(e, "received_at")},
                      {clip(str(e, "reason"), kMaxReason)}});
    }
  if (rows.empty()) return "no quarantined events\n" + cursorLine(root);
  return render(
             {{"MESSAGE ID"}, {"EVENT TYPE"}, {"ZAAKNUMMER"}, {"SOURCE"}, {"RECEIVED"}, {"REASON"}},
             rows, false) +
         cursorLine(root);
}

std::string prettyJson(const bj::value& v) {
  std::string out;
  pretty(v, "", out);
  return out + "\n";
}

}  // namespace hub::admin
