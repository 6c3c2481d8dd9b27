#pragma once
// KeySigner: the private-key operation of XML-DSig signing with OpenSSL, kept ready for reuse.
// One EVP_PKEY_CTX per concurrent caller, initialised once (sign_init, PKCS#1 v1.5 padding,
// SHA-256), so a signature costs the RSA/ECDSA operation and not a fresh context, algorithm fetch
// and key inspection each time (as `openssl speed` measures it).
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/result.h"

struct evp_pkey_st;
struct evp_pkey_ctx_st;
struct evp_md_st;

namespace hub::dsig {

class KeySigner {
 public:
  // Takes ownership of `key` (RSA or EC P-256, checked by the caller).
  static Result<std::unique_ptr<KeySigner>> create(evp_pkey_st* key, bool ecdsa);
  ~KeySigner();
  KeySigner(const KeySigner&) = delete;
  KeySigner& operator=(const KeySigner&) = delete;

  // SHA-256 digest of `data` (32 bytes).
  Result<std::string> sha256(std::string_view data) const;

  // Signs the SHA-256 digest of `data`: RSA PKCS#1 v1.5 (rsa-sha256), or ECDSA as XML-DSig
  // wants it (r || s, 32 bytes each; ecdsa-sha256). Thread-safe.
  Result<std::string> signSha256(std::string_view data) const;

 private:
  KeySigner(evp_pkey_st* key, evp_md_st* md, bool ecdsa) : key_(key), md_(md), ecdsa_(ecdsa) {}
  Result<evp_pkey_ctx_st*> acquire() const;
  void release(evp_pkey_ctx_st* ctx) const;

  evp_pkey_st* key_;
  evp_md_st* md_;  // SHA-256, fetched once
  bool ecdsa_;
  mutable std::mutex mu_;
  mutable std::vector<evp_pkey_ctx_st*> idle_;  // initialised contexts nobody is using
};

// Base64 of `bytes`; with line > 0, a line feed after every `line` characters (not at the end),
// as xmlsec writes DigestValue and SignatureValue.
std::string base64(std::string_view bytes, size_t line = 0);

}  // namespace hub::dsig
