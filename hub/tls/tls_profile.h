#pragma once
// NCSC TLS profiles (the NCSC TLS guidelines, 2025-05), applied to an OpenSSL SSL_CTX. The only
// place that knows the suites.
#include <string_view>

#include "hub/core/result.h"

struct ssl_ctx_st;  // OpenSSL SSL_CTX, kept out of this header

namespace hub::tls {

enum class Role { kClient, kServer };

// profile: "ncsc-sufficient" (TLS 1.2+1.3, ECDHE+AEAD only) or "ncsc-good" (TLS 1.3 only,
// AES-256-GCM and ChaCha20). Also sets groups, signature algorithms, no compression, no
// renegotiation. Unknown profile -> error.
Result<void> applyProfile(ssl_ctx_st* ctx, std::string_view profile, Role role);

bool isKnownProfile(std::string_view profile);

// Whether a negotiated session (OpenSSL's protocol and cipher names, e.g. "TLSv1.2" and
// "ECDHE-ECDSA-AES128-GCM-SHA256") lies within the profile. For TLS stacks configured outside
// applyProfile (Proton's amqp connections): a session outside the profile is refused after the
// handshake.
bool negotiatedWithin(std::string_view profile, std::string_view protocol, std::string_view cipher);

}  // namespace hub::tls
