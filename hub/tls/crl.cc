#include "hub/tls/crl.h"

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <ctime>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/tls/openssl_error.h"

namespace hub::tls {
namespace {

using BioPtr = CPtr<BIO, BIO_free_all>;
using X509Ptr = CPtr<X509, X509_free>;
using CrlPtr = CPtr<X509_CRL, X509_CRL_free>;

constexpr std::string_view kPemCrl = "-----BEGIN X509 CRL-----";

std::string nameLine(const X509_NAME* name) {
  std::string line;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    unsigned char* out = nullptr;
    int n = ASN1_STRING_to_UTF8(&out, X509_NAME_ENTRY_get_data(e));
    const char* sn = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    if (!line.empty()) line += ", ";
    line += sn ? sn : "?";
    line += '=';
    if (n >= 0) line.append(reinterpret_cast<char*>(out), static_cast<size_t>(n));
    OPENSSL_free(out);
  }
  return line;
}

bool toUnix(const ASN1_TIME* t, int64_t& out) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return false;
  out = static_cast<int64_t>(timegm(&tm));
  return true;
}

}  // namespace

Crl::~Crl() { X509_CRL_free(crl_); }

Result<CrlConstSharedPtr> parseCrl(std::string_view bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (!bio) return unexpected(errc::kTls, detail::opensslError("out of memory"));
  CrlPtr raw(bytes.find(kPemCrl) != std::string_view::npos
                 ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)
                 : d2i_X509_CRL_bio(bio.get(), nullptr));
  if (!raw) return unexpected(errc::kTls, detail::opensslError("not a CRL (PEM or DER)"));
  std::shared_ptr<Crl> crl(new Crl(raw.release()));
  crl->issuer_ = nameLine(X509_CRL_get_issuer(crl->crl_));
  if (!toUnix(X509_CRL_get0_lastUpdate(crl->crl_), crl->this_update_))
    return unexpected(errc::kTls, detail::opensslError("CRL of " + crl->issuer_ +
                                                       " has an unreadable thisUpdate"));
  if (X509_CRL_get0_nextUpdate(crl->crl_) == nullptr)
    return unexpected(errc::kTls, "CRL of " + crl->issuer_ + " has no nextUpdate");
  if (!toUnix(X509_CRL_get0_nextUpdate(crl->crl_), crl->next_update_))
    return unexpected(errc::kTls, detail::opensslError("CRL of " + crl->issuer_ +
                                                       " has an unreadable nextUpdate"));
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl->crl_);
  crl->revoked_count_ = revoked ? static_cast<size_t>(sk_X509_REVOKED_num(revoked)) : 0;
  ERR_clear_error();
  return CrlConstSharedPtr(std::move(crl));
}

Result<void> verifyCrlIssuer(const Crl& crl, std::string_view anchors_pem) {
  BioPtr bio(BIO_new_mem_buf(anchors_pem.data(), static_cast<int>(anchors_pem.size())));
  if (!bio) return unexpected(errc::kTls, detail::opensslError("out of memory"));
  const X509_NAME* issuer = X509_CRL_get_issuer(crl.handle());
  bool name_matched = false;
  while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (X509_NAME_cmp(X509_get_subject_name(cert.get()), issuer) != 0) continue;
    name_matched = true;
    EVP_PKEY* key = X509_get0_pubkey(cert.get());
    if (key != nullptr && X509_CRL_verify(crl.handle(), key) == 1) {
      ERR_clear_error();
      return {};
    }
  }
  ERR_clear_error();  // the end of the bundle leaves a "no start line" error
  if (name_matched)
    return unexpected(errc::kTls, "CRL signature does not verify with the key of its issuer " +
                                      crl.issuer() + " among the trust anchors");
  return unexpected(errc::kTls, "CRL issuer " + crl.issuer() +
                                    " is not among the partner's trust anchors (tls.ca)");
}

Result<void> installCrls(ssl_ctx_st* ctx, const std::vector<CrlConstSharedPtr>& crls,
                         bool whole_chain) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (store == nullptr) return unexpected(errc::kTls, "TLS context has no certificate store");
  for (const auto& crl : crls) {
    // OpenSSL 3 ignores a CRL the store already holds (a reused context) and returns 1.
    if (X509_STORE_add_crl(store, crl->handle()) != 1)
      return unexpected(errc::kTls, detail::opensslError("cannot add the CRL of " + crl->issuer()));
  }
  unsigned long flags = X509_V_FLAG_CRL_CHECK;
  if (whole_chain) flags |= X509_V_FLAG_CRL_CHECK_ALL;
  if (X509_STORE_set_flags(store, flags) != 1)
    return unexpected(errc::kTls, detail::opensslError("cannot enable CRL checking"));
  return {};
}

}  // namespace hub::tls
