#pragma once
// Shared by the tests/unit/wus tests: a throwaway signing PKI (openssl CLI, once per process) and
// a signed synthetic product.
#include <string>

namespace hub::wus_testing {

// Directory with ca.pem, sign.pem/sign.key (RSA-2048, serialNumber 00000099000000000001);
// "" when openssl failed.
const std::string& pkiDir();

// A synthetic product in its own default namespace, signed with sign.key (Signer output, with
// the XML declaration).
std::string signedProduct();

inline constexpr const char* kDeliveryId = "19a47920-8815-5ffa-a8cc-a16b2b6535c3";
inline constexpr const char* kMessageId = "urn:uuid:19a47920-8815-5ffa-a8cc-a16b2b6535c3";
inline constexpr const char* kHubOin = "00000099000000000001";

}  // namespace hub::wus_testing
