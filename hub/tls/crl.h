#pragma once
// A certificate revocation list (RFC 5280 §5) as the hub uses it: parsed once (PEM or DER),
// its issuer, thisUpdate and nextUpdate read out, its signature checked against the partner's
// trust anchors, and handed to the X509_STORE of a TLS connection.
//
// Contract:
// - parseCrl accepts one CRL, PEM ("-----BEGIN X509 CRL-----") or DER. A CRL without nextUpdate
//   is refused: the hub uses a cached copy exactly until its nextUpdate, so it must have one.
// - verifyCrlIssuer accepts the CRL only when one certificate in `anchors_pem` (the partner's
//   tls.ca bundle) has the CRL's issuer as subject AND its key verifies the CRL's signature.
//   A CRL from anyone else is refused with a message naming the issuer (no other data).
// - installCrls adds the CRLs to the store of an SSL_CTX and turns revocation checking on:
//   X509_V_FLAG_CRL_CHECK (the server's leaf certificate), plus X509_V_FLAG_CRL_CHECK_ALL when
//   `whole_chain` (every certificate of the chain then needs a CRL of its issuer).
// Thread-safety: a Crl is immutable after parsing and may be shared between threads (OpenSSL
// reference-counts it when a store takes it).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/result.h"

struct X509_crl_st;  // OpenSSL X509_CRL
struct ssl_ctx_st;   // OpenSSL SSL_CTX

namespace hub::tls {

class Crl {
 public:
  ~Crl();
  Crl(const Crl&) = delete;
  Crl& operator=(const Crl&) = delete;

  const std::string& issuer() const { return issuer_; }  // "CN=..., O=..." in CRL order
  int64_t thisUpdate() const { return this_update_; }    // unix seconds
  int64_t nextUpdate() const { return next_update_; }    // unix seconds
  size_t revokedCount() const { return revoked_count_; }
  X509_crl_st* handle() const { return crl_; }

 private:
  friend Result<std::shared_ptr<const Crl>> parseCrl(std::string_view bytes);
  explicit Crl(X509_crl_st* crl) : crl_(crl) {}

  X509_crl_st* crl_;  // owned (X509_CRL_free)
  std::string issuer_;
  int64_t this_update_ = 0;
  int64_t next_update_ = 0;
  size_t revoked_count_ = 0;
};

using CrlConstSharedPtr = std::shared_ptr<const Crl>;

Result<CrlConstSharedPtr> parseCrl(std::string_view bytes);

Result<void> verifyCrlIssuer(const Crl& crl, std::string_view anchors_pem);

Result<void> installCrls(ssl_ctx_st* ctx, const std::vector<CrlConstSharedPtr>& crls,
                         bool whole_chain);

}  // namespace hub::tls
