#pragma once
// Deliberately weak TLS server profiles for negative tests. Used ONLY by `ketenhub partner-sim`
// (to check that the hub's client refuses such a partner); never by the hub's own connections.
#include <string_view>

#include "hub/core/result.h"

struct ssl_ctx_st;

namespace hub::tls {

// "legacy-cbc": TLS 1.2 only, CBC suites only (ECDHE-{ECDSA,RSA}-AES128-SHA256).
// "tls11-only": TLS 1.1 only (security level 0, SHA-1 CBC suites).
// "tls12-only": TLS 1.2 only with the ncsc-sufficient suites (an ncsc-good client must refuse).
bool isTestProfile(std::string_view profile);
Result<void> applyTestProfile(ssl_ctx_st* ctx, std::string_view profile);

}  // namespace hub::tls
