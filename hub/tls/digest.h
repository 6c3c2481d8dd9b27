#pragma once
// Message digests (OpenSSL EVP, one-shot) for code outside hub/tls that must not include OpenSSL:
// delivery ids (SHA-1 for UUIDv5), PDF manifests and keyed hashes (SHA-256).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hub::tls {

using Sha1Digest = std::array<uint8_t, 20>;
using Sha256Digest = std::array<uint8_t, 32>;

Sha1Digest sha1(std::string_view data);
Sha256Digest sha256(std::string_view data);
// HMAC-SHA256 (keyed hash, e.g. of a BSN for the audit trail).
Sha256Digest hmacSha256(std::string_view key, std::string_view data);
// Cryptographically strong random bytes (OpenSSL's DRBG); an error when it is not seeded.
bool randomBytes(std::span<uint8_t> out);

// Standard base64 (RFC 4648, padding required; line breaks and spaces between groups allowed) ->
// bytes; nullopt when it is not base64.
std::optional<std::string> base64Decode(std::string_view text);

// Lowercase hex, two characters per byte.
std::string hexEncode(std::span<const uint8_t> bytes);

// Lowercase hex of the SHA-256 of `data`: how products, documents, letters and audit records
// state a digest.
std::string sha256Hex(std::string_view data);

}  // namespace hub::tls
