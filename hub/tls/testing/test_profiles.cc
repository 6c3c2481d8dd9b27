#include "hub/tls/testing/test_profiles.h"

#include <openssl/ssl.h>

#include <string>

#include "hub/core/error_codes.h"
#include "hub/tls/openssl_error.h"
#include "hub/tls/tls_profile.h"

namespace hub::tls {
namespace {

Unexpected<Error> tlsError(const std::string& what) {
  return unexpected(errc::kTls, detail::opensslError(what));
}

Result<void> pinVersion(ssl_ctx_st* ctx, int version) {
  if (SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, version) != 1) {
    return tlsError("cannot set TLS version");
  }
  return {};
}

}  // namespace

bool isTestProfile(std::string_view profile) {
  return profile == "legacy-cbc" || profile == "tls11-only" || profile == "tls12-only";
}

Result<void> applyTestProfile(ssl_ctx_st* ctx, std::string_view profile) {
  if (!isTestProfile(profile)) {
    return unexpected(errc::kConfig, "unknown test TLS profile '" + std::string(profile) + "'");
  }
  if (ctx == nullptr) return unexpected(errc::kTls, "applyTestProfile: no SSL_CTX");
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (profile == "tls12-only") {
    auto r = applyProfile(ctx, "ncsc-sufficient", Role::kServer);
    if (!r) return r;
    return pinVersion(ctx, TLS1_2_VERSION);
  }
  if (profile == "legacy-cbc") {
    if (auto r = pinVersion(ctx, TLS1_2_VERSION); !r) return r;
    if (SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256") != 1) {
      return tlsError("cannot set CBC ciphers");
    }
    return {};
  }
  // tls11-only: TLS 1.1 needs SHA-1 suites and signatures, refused above security level 0.
  SSL_CTX_set_security_level(ctx, 0);
  if (auto r = pinVersion(ctx, TLS1_1_VERSION); !r) return r;
  if (SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0") !=
      1) {
    return tlsError("cannot set TLS 1.1 ciphers");
  }
  return {};
}

}  // namespace hub::tls
