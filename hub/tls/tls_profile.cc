#include "hub/tls/tls_profile.h"

#include <openssl/ssl.h>

#include <string>

#include "hub/core/error_codes.h"
#include "hub/tls/openssl_error.h"

namespace hub::tls {
namespace {

constexpr const char* kSufficientCiphers12 =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
constexpr const char* kSufficientSuites13 =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
constexpr const char* kGoodSuites13 = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256:P-384:P-521";
// No SHA-1 (and no SHA-224): ECDSA, EdDSA, RSA-PSS and PKCS#1 v1.5 with SHA-2.
constexpr const char* kSigalgs =
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:"
    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
    "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:"
    "RSA+SHA256:RSA+SHA384:RSA+SHA512";

struct Profile {
  std::string_view name;
  int min_version;
  int max_version;
  const char* ciphers12;
  const char* suites13;
};

constexpr Profile kProfiles[] = {
    {"ncsc-sufficient", TLS1_2_VERSION, TLS1_3_VERSION, kSufficientCiphers12, kSufficientSuites13},
    {"ncsc-good", TLS1_3_VERSION, TLS1_3_VERSION, kSufficientCiphers12, kGoodSuites13},
};

const Profile* findProfile(std::string_view name) {
  for (const auto& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Unexpected<Error> tlsError(const std::string& what) {
  return unexpected(errc::kTls, detail::opensslError(what));
}

}  // namespace

bool isKnownProfile(std::string_view profile) { return findProfile(profile) != nullptr; }

Result<void> applyProfile(ssl_ctx_st* ctx, std::string_view profile, Role role) {
  const Profile* p = findProfile(profile);
  if (p == nullptr) {
    return unexpected(errc::kConfig, "unknown TLS profile '" + std::string(profile) +
                                         "' (known: ncsc-sufficient, ncsc-good)");
  }
  if (ctx == nullptr) return unexpected(errc::kTls, "applyProfile: no SSL_CTX");
  if (SSL_CTX_set_min_proto_version(ctx, p->min_version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, p->max_version) != 1) {
    return tlsError("cannot set TLS versions");
  }
  if (SSL_CTX_set_cipher_list(ctx, p->ciphers12) != 1)
    return tlsError("cannot set TLS 1.2 ciphers");
  if (SSL_CTX_set_ciphersuites(ctx, p->suites13) != 1) return tlsError("cannot set TLS 1.3 suites");
  if (SSL_CTX_set1_groups_list(ctx, kGroups) != 1) return tlsError("cannot set groups");
  if (SSL_CTX_set1_sigalgs_list(ctx, kSigalgs) != 1) {
    return tlsError("cannot set signature algorithms");
  }
  // Server: what it asks of client certificates; client: what it signs with its own certificate.
  if (SSL_CTX_set1_client_sigalgs_list(ctx, kSigalgs) != 1) {
    return tlsError("cannot set client signature algorithms");
  }
  uint64_t options = SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION;
  if (role == Role::kServer) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(ctx, options);
  // At least OpenSSL's level 2 (keys of 112 bits of security and up, no SHA-1 signatures): a
  // context made by another library may start lower (Proton's server context runs at level 0).
  if (SSL_CTX_get_security_level(ctx) < 2) SSL_CTX_set_security_level(ctx, 2);
  return {};
}

bool negotiatedWithin(std::string_view profile, std::string_view protocol,
                      std::string_view cipher) {
  const Profile* p = nullptr;
  for (const auto& candidate : kProfiles)
    if (candidate.name == profile) p = &candidate;
  if (p == nullptr || cipher.empty()) return false;
  auto listed = [&](std::string_view list) {
    while (!list.empty()) {
      const size_t colon = list.find(':');
      if (list.substr(0, colon) == cipher) return true;
      if (colon == std::string_view::npos) break;
      list.remove_prefix(colon + 1);
    }
    return false;
  };
  if (protocol == "TLSv1.3") return p->max_version >= TLS1_3_VERSION && listed(p->suites13);
  if (protocol == "TLSv1.2") return p->min_version <= TLS1_2_VERSION && listed(p->ciphers12);
  return false;
}

}  // namespace hub::tls
