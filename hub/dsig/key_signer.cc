#include "hub/dsig/key_signer.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"

namespace hub::dsig {
namespace {

using EcdsaSigPtr = CPtr<ECDSA_SIG, ECDSA_SIG_free>;
using PkeyCtxPtr = CPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

std::string opensslFailure(const std::string& what) {
  std::string out = what;
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

// DER ECDSA-Sig-Value -> r || s, each left-padded to the field size (RFC 4050 / XML-DSig 1.1).
Result<std::string> ecdsaRaw(const unsigned char* der, size_t len) {
  const unsigned char* p = der;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) return unexpected(errc::kSigning, opensslFailure("ECDSA signature not DER"));
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(64, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, 32) != 32 || BN_bn2binpad(s, o + 32, 32) != 32) {
    return unexpected(errc::kSigning, "ECDSA signature component larger than P-256");
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<KeySigner>> KeySigner::create(evp_pkey_st* key, bool ecdsa) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) {
    EVP_PKEY_free(key);
    return unexpected(errc::kConfig, opensslFailure("SHA-256 is not available"));
  }
  std::unique_ptr<KeySigner> s(new KeySigner(key, md, ecdsa));
  // Prove the key signs now (config check, start-up), not on the first delivery.
  if (auto probe = s->signSha256("ketenhub"); !probe) return unexpected(probe.error());
  return s;
}

KeySigner::~KeySigner() {
  for (EVP_PKEY_CTX* c : idle_) EVP_PKEY_CTX_free(c);
  EVP_MD_free(md_);
  EVP_PKEY_free(key_);
}

Result<evp_pkey_ctx_st*> KeySigner::acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      EVP_PKEY_CTX* c = idle_.back();
      idle_.pop_back();
      return c;
    }
  }
  PkeyCtxPtr c(EVP_PKEY_CTX_new_from_pkey(nullptr, key_, nullptr));
  if (!c || EVP_PKEY_sign_init(c.get()) <= 0 ||
      (!ecdsa_ && EVP_PKEY_CTX_set_rsa_padding(c.get(), RSA_PKCS1_PADDING) <= 0) ||
      EVP_PKEY_CTX_set_signature_md(c.get(), md_) <= 0) {
    return unexpected(errc::kSigning, opensslFailure("cannot prepare the signing key"));
  }
  return c.release();
}

void KeySigner::release(evp_pkey_ctx_st* ctx) const {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(ctx);
}

Result<std::string> KeySigner::sha256(std::string_view data) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, md_, nullptr) != 1) {
    return unexpected(errc::kSigning, opensslFailure("SHA-256 failed"));
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

Result<std::string> KeySigner::signSha256(std::string_view data) const {
  auto digest = sha256(data);
  if (!digest) return unexpected(digest.error());
  auto ctx = acquire();
  if (!ctx) return unexpected(ctx.error());
  std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key_)), '\0');
  size_t len = sig.size();
  const int rc =
      EVP_PKEY_sign(*ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                    reinterpret_cast<const unsigned char*>(digest->data()), digest->size());
  if (rc <= 0) {
    EVP_PKEY_CTX_free(*ctx);  // its state is unknown after a failure: never reused
    return unexpected(errc::kSigning, opensslFailure("signature operation failed"));
  }
  release(*ctx);
  sig.resize(len);
  if (ecdsa_) return ecdsaRaw(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  return sig;
}

std::string base64(std::string_view bytes, size_t line) {
  std::string flat(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(flat.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  flat.resize(static_cast<size_t>(n));
  if (line == 0 || flat.size() <= line) return flat;
  std::string out;
  out.reserve(flat.size() + flat.size() / line);
  for (size_t i = 0; i < flat.size(); i += line) {
    if (i > 0) out += '\n';
    out.append(flat, i, line);
  }
  return out;
}

}  // namespace hub::dsig
