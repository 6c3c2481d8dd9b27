#include "hub/curl/peer_identity.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "hub/tls/certificate.h"

namespace hub::curl {
namespace {

int exDataIndex() {
  // Thread-safe one-time allocation of our slot in SSL_CTX ex_data.
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int verifyCallback(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok != 1) return preverify_ok;  // chain or time failure: OpenSSL's reason stands
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 1;
  auto* check =
      static_cast<PeerIdentityCheck*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), exDataIndex()));
  if (check == nullptr || check->expected_oin.empty()) return 1;
  auto info = tls::certificateInfo(X509_STORE_CTX_get_current_cert(store));
  const std::string oin = info ? info->oin : "";
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
