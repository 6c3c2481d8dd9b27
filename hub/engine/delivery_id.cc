#include "hub/engine/delivery_id.h"

#include <algorithm>

#include "hub/tls/digest.h"

namespace hub::engine {
namespace {

void appendNetstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

}  // namespace

Uuid uuidV5(const Uuid& ns, std::string_view name) {
  std::string input(ns.begin(), ns.end());
  input.append(name);
  auto hash = tls::sha1(input);
  Uuid out{};
  std::copy_n(hash.begin(), out.size(), out.begin());
  out[6] = static_cast<uint8_t>((out[6] & 0x0f) | 0x50);  // version 5
  out[8] = static_cast<uint8_t>((out[8] & 0x3f) | 0x80);  // variant RFC 4122
  return out;
}

std::string formatUuid(const Uuid& uuid) {
  std::string hex = tls::hexEncode(uuid);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

std::string deliveryId(std::string_view message_id, std::string_view partner,
                       std::string_view product) {
  std::string name;
  name.reserve(message_id.size() + partner.size() + product.size() + 16);
  appendNetstring(name, message_id);
  appendNetstring(name, partner);
  appendNetstring(name, product);
  return formatUuid(uuidV5(kDeliveryIdNamespace, name));
}

}  // namespace hub::engine
