#include "hub/admin/api_support.h"

#include <cstdint>

#include "hub/core/time_format.h"

namespace hub::admin {

std::string param(const Call& c, const std::string& key) {
  auto it = c.query.find(key);
  return it == c.query.end() ? "" : it->second;
}

std::optional<int64_t> number(const Call& c, const std::string& key, int64_t def) {
  auto it = c.query.find(key);
  if (it == c.query.end() || it->second.empty()) return def;
  int64_t v = 0;
  for (char ch : it->second) {
    if (ch < '0' || ch > '9' || v > (INT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

std::optional<Page> page(const Call& c) {
  auto from = number(c, "from", 0), to = number(c, "to", 0), cursor = number(c, "cursor", 0),
       limit = number(c, "limit", 50);
  if (!from || !to || !cursor || !limit || *limit < 1 || *limit > kMaxPageLimit)
    return std::nullopt;
  return Page{*from, *to, *cursor, static_cast<int>(*limit)};
}

Envelope envelopeOf(const EventView& v, std::string body, int64_t now_ms) {
  Envelope env;
  env.message_id = v.message_id;
  env.content_type = v.content_type;
  env.correlation_id = v.correlation_id;
  env.event_type = v.event_type;
  env.case_id = v.case_id;
  env.actor = v.actor;
  env.body = std::move(body);
  env.source = v.source;
  env.peer = v.peer;
  env.received_at_ms = now_ms;
  return env;
}

std::string purgedByRetention(int64_t purged_at_ms) {
  return "purged by retention on " + formatRfc3339Utc(purged_at_ms);
}

}  // namespace hub::admin
