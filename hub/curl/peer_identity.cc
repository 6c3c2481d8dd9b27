#include "hub/curl/peer_identity.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <optional>

#include "hub/tls/certificate.h"

namespace hub::curl {
namespace {

int exDataIndex() {
  // Thread-safe one-time allocation of our slot in SSL_CTX ex_data.
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool isCrlError(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
      return true;
    default:
      return false;
  }
}

PeerIdentityCheck* checkOf(X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return nullptr;
  return static_cast<PeerIdentityCheck*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), exDataIndex()));
}

int verifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  PeerIdentityCheck* check = checkOf(store);
  if (check == nullptr) return preverify_ok;
  const int error = X509_STORE_CTX_get_error(store);
  const int depth = X509_STORE_CTX_get_error_depth(store);
  if (preverify_ok != 1) {
    if (error == X509_V_ERR_CERT_REVOKED && depth == 0) check->revoked = true;
    if (error == X509_V_ERR_CERT_REVOKED && depth > 0 && check->crl_problem.empty())
      check->crl_problem = "an issuing CA certificate is revoked";
    if (isCrlError(error) && check->crl_problem.empty())
      check->crl_problem = X509_verify_cert_error_string(error);
  }
  if (depth != 0) return preverify_ok;
  const bool seen = preverify_ok == 1 || error == X509_V_ERR_CERT_REVOKED;
  std::optional<tls::CertificateInfo> leaf;
  if (seen || (preverify_ok == 1 && !check->expected_oin.empty())) {
    if (auto info = tls::certificateInfo(X509_STORE_CTX_get_current_cert(store))) leaf = *info;
  }
  if (seen && leaf && check->seen != nullptr)
    check->seen->record(leaf->subject, "partner_server", leaf->not_after_unix);
  if (preverify_ok != 1) return preverify_ok;  // chain or time failure: OpenSSL's reason stands
  if (check->expected_oin.empty()) return 1;
  const std::string oin = leaf ? leaf->oin : "";
  if (oin == check->expected_oin) return 1;
  check->mismatch = "server certificate OIN " + (oin.empty() ? std::string("(none)") : oin) +
                    ", expected " + check->expected_oin;
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

}  // namespace

void installPeerIdentityCheck(ssl_ctx_st* ctx, PeerIdentityCheck* check) {
  SSL_CTX_set_ex_data(ctx, exDataIndex(), check);
  SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx) | SSL_VERIFY_PEER, verifyCallback);
}

}  // namespace hub::curl
