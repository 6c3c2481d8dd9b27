#pragma once
// Delivery ids: one stable id per planned delivery (event, partner, product), sent with
// every attempt (X-Message-Id, wsa:MessageID) so partners can drop duplicates of a retry.
//
// The id is a name-based UUID version 5 (RFC 4122 §4.3, SHA-1) in the fixed ketenhub namespace
// kDeliveryIdNamespace = 5241e203-6d2d-519c-81c5-bf2464f7b942
//   (itself uuid5(NAMESPACE_URL, "https://ketenhub.example/ns/delivery-id")).
// The name is the three fields as netstrings, "<len>:<bytes>," each, in the order message-id,
// partner, product (lengths in bytes, decimal): injective, so no two different triples collide
// by concatenation. Reproducible elsewhere, e.g. in Python:
//   uuid.uuid5(ns, "".join(f"{len(x.encode())}:{x}," for x in (message_id, partner, product)))
// Output: lowercase canonical 8-4-4-4-12 form.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace hub::engine {

using Uuid = std::array<uint8_t, 16>;

inline constexpr Uuid kDeliveryIdNamespace = {0x52, 0x41, 0xe2, 0x03, 0x6d, 0x2d, 0x51, 0x9c,
                                              0x81, 0xc5, 0xbf, 0x24, 0x64, 0xf7, 0xb9, 0x42};

// RFC 4122 §4.3 version 5 UUID of `name` in namespace `ns`.
Uuid uuidV5(const Uuid& ns, std::string_view name);

// Lowercase 8-4-4-4-12.
std::string formatUuid(const Uuid& uuid);

std::string deliveryId(std::string_view message_id, std::string_view partner,
                       std::string_view product);

}  // namespace hub::engine
