#include "hub/tls/smime.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/tls/certificate.h"
#include "hub/tls/openssl_error.h"

namespace hub::tls {
namespace {

using BioPtr = CPtr<BIO, BIO_free_all>;
using X509Ptr = CPtr<X509, X509_free>;
using PkeyPtr = CPtr<EVP_PKEY, EVP_PKEY_free>;
using CmsPtr = CPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using Asn1TimePtr = CPtr<ASN1_TIME, ASN1_TIME_free>;

constexpr int kMinRsaBits = 2048;  // NCSC: RSA below 2048 bits is insufficient
constexpr int kMinEcBits = 256;
constexpr size_t kMaxEntityBytes = 256u << 20;  // BIO_new_mem_buf takes an int length

Unexpected<Error> signingError(const std::string& what) {
  return unexpected(errc::kSigning, detail::opensslError(what));
}

// Never prompt on a terminal for a passphrase: an encrypted key is a configuration error.
int noPassphrase(char*, int, int, void*) { return -1; }

// True when every CR is followed by LF and every LF preceded by CR.
bool crlfOnly(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
  }
  return true;
}

// SMIME_write_CMS ends the base64 lines of the signature part with a bare LF even with
// SMIME_CRLFEOL (BIO_f_base64): turn every bare LF into CRLF. The signed entity has none (checked
// before signing), so its bytes are left exactly as they were signed.
std::string toCrlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 64 + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

}  // namespace

struct SmimeSigner::Keys {
  PkeyPtr key;
  X509Ptr cert;
  std::vector<X509Ptr> chain;  // intermediates after the signing certificate in the PEM file
  std::string subject;
};

SmimeSigner::SmimeSigner(std::unique_ptr<Keys> keys) : keys_(std::move(keys)) {}
SmimeSigner::~SmimeSigner() = default;

const std::string& SmimeSigner::subject() const { return keys_->subject; }

Result<std::unique_ptr<SmimeSigner>> SmimeSigner::create(const std::string& key_path,
                                                         const std::string& cert_path) {
  if (auto mode = checkKeyFilePrivate(key_path); !mode) return unexpected(mode.error());
  auto keys = std::make_unique<Keys>();

  BioPtr key_bio(BIO_new_file(key_path.c_str(), "rb"));
  if (!key_bio) return signingError("cannot open signing key " + key_path);
  keys->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, noPassphrase, nullptr));
  if (!keys->key) return signingError("cannot read signing key " + key_path);

  BioPtr cert_bio(BIO_new_file(cert_path.c_str(), "rb"));
  if (!cert_bio) return signingError("cannot open signing certificate " + cert_path);
  keys->cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, noPassphrase, nullptr));
  if (!keys->cert) return signingError("cannot read signing certificate " + cert_path);
  while (X509* extra = PEM_read_bio_X509(cert_bio.get(), nullptr, noPassphrase, nullptr)) {
    keys->chain.emplace_back(extra);
  }
  ERR_clear_error();  // the loop above ends on "no start line"

  if (X509_check_private_key(keys->cert.get(), keys->key.get()) != 1) {
    return signingError("signing key " + key_path + " does not match " + cert_path);
  }
  const int bits = EVP_PKEY_get_bits(keys->key.get());
  const int type = EVP_PKEY_get_base_id(keys->key.get());
  if ((type == EVP_PKEY_RSA && bits < kMinRsaBits) || (type == EVP_PKEY_EC && bits < kMinEcBits)) {
    return unexpected(errc::kConfig, "signing key " + key_path + " is too weak (" +
                                         std::to_string(bits) + " bits)");
  }
  auto info = certificateInfo(keys->cert.get());
  if (!info) return unexpected(info.error());
  if (info->sha1_signed) {
    return unexpected(errc::kConfig, "signing certificate " + cert_path + " is signed with SHA-1");
  }
  keys->subject = info->subject;
  return std::unique_ptr<SmimeSigner>(new SmimeSigner(std::move(keys)));
}

Result<std::string> SmimeSigner::sign(std::string_view entity, int64_t signing_time_ms) const {
  if (entity.empty() || entity.size() > kMaxEntityBytes || !crlfOnly(entity)) {
    return unexpected(errc::kSigning,
                      "S/MIME: the entity must be non-empty, below 256 MiB, with CRLF line ends");
  }
  // CMS_BINARY: digest the bytes as they are (they are already canonical CRLF text); without it
  // OpenSSL would rewrite line ends while signing. CMS_PARTIAL: the signer is finished by
  // SMIME_write_CMS, which digests the entity while it copies it into the first part.
  constexpr unsigned kFlags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags));
  if (!cms) return signingError("S/MIME: cannot create CMS SignedData");
  // CMS_CADES adds signingCertificateV2 (CAdES-BES); no S/MIME capabilities list, which would
  // advertise OpenSSL's default (DES, RC2-40) content ciphers.
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), keys_->cert.get(), keys_->key.get(), EVP_sha256(),
                                       kFlags | CMS_CADES | CMS_NOSMIMECAP);
  if (si == nullptr) return signingError("S/MIME: cannot add the signer");
  for (const auto& c : keys_->chain) {
    if (CMS_add1_cert(cms.get(), c.get()) != 1) return signingError("S/MIME: cannot add a cert");
  }
  Asn1TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(signing_time_ms / 1000)));
  if (!when || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(when.get()),
                                           when.get(), -1) != 1) {
    return signingError("S/MIME: cannot set signingTime");
  }
  BioPtr in(BIO_new_mem_buf(entity.data(), static_cast<int>(entity.size())));
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!in || !out) return signingError("S/MIME: out of memory");
  if (SMIME_write_CMS(out.get(), cms.get(), in.get(), CMS_DETACHED | CMS_BINARY | SMIME_CRLFEOL) !=
      1) {
    return signingError("S/MIME: signing failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  if (n <= 0 || data == nullptr) return signingError("S/MIME: empty output");
  return toCrlf(std::string_view(data, static_cast<size_t>(n)));
}

}  // namespace hub::tls
