#include "adapters/amqp/envelope_builder.h"

#include <proton/binary.hpp>
#include <proton/scalar.hpp>
#include <proton/symbol.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>
#include <proton/value.hpp>

namespace hub::amqp {
namespace {

std::string toHex(const proton::binary& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (uint8_t c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

// Application property as a string; non-string scalars in their text form, absent = empty.
std::string propertyString(const proton::message::property_map& props, const std::string& key) {
  if (!props.exists(key)) return {};
  proton::scalar v = props.get(key);
  switch (v.type()) {
    case proton::NULL_TYPE:
      return {};
    case proton::STRING:
      return proton::get<std::string>(v);
    case proton::SYMBOL:
      return proton::get<proton::symbol>(v);
    case proton::BINARY: {
      proton::binary b = proton::get<proton::binary>(v);
      return std::string(b.begin(), b.end());
    }
    default:
      return proton::to_string(v);
  }
}

}  // namespace

std::string messageIdToString(const proton::message_id& id) {
  switch (id.type()) {
    case proton::NULL_TYPE:
      return {};
    case proton::STRING:
      return proton::get<std::string>(id);
    case proton::UUID:
      return proton::get<proton::uuid>(id).str();
    case proton::ULONG:
      return std::to_string(proton::get<uint64_t>(id));
    case proton::BINARY:
      return toHex(proton::get<proton::binary>(id));
    default:
      return proton::to_string(id);
  }
}

std::string bodyBytes(const proton::message& m) {
  const proton::value& body = m.body();
  switch (body.type()) {
    case proton::NULL_TYPE:
      return {};
    case proton::BINARY: {
      proton::binary b = proton::get<proton::binary>(body);
      return std::string(b.begin(), b.end());
    }
    case proton::STRING:
      return proton::get<std::string>(body);
    case proton::SYMBOL:
      return proton::get<proton::symbol>(body);
    default:
      return proton::to_string(body);
  }
}

Envelope buildEnvelope(const proton::message& m, const EnvelopeContext& ctx) {
  Envelope env;
  env.message_id = messageIdToString(m.id());
  env.content_type = m.content_type();
  env.correlation_id = messageIdToString(m.correlation_id());
  const auto& props = m.properties();
  env.event_type = propertyString(props, "event-type");
  env.case_id = propertyString(props, "case-id");
  env.actor = propertyString(props, "actor");
  env.occurred_at = propertyString(props, "occurred-at");
  env.body = bodyBytes(m);
  if (ctx.max_message_bytes > 0 && env.body.size() > ctx.max_message_bytes) {
    env.oversize = true;
    env.oversize_bytes = env.body.size();
    std::string().swap(env.body);
  }
  env.source = ctx.source;
  env.peer = ctx.peer;
  env.received_at_ms = ctx.received_at_ms;
  return env;
}

}  // namespace hub::amqp
