#include "hub/tls/testing/server_context.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hub/core/error_codes.h"
#include "hub/tls/certificate.h"
#include "hub/tls/openssl_error.h"
#include "hub/tls/testing/test_profiles.h"
#include "hub/tls/tls_profile.h"

namespace hub::tls {
namespace {

Unexpected<Error> tlsError(const std::string& what) {
  return unexpected(errc::kTls, detail::opensslError(what));
}

constexpr unsigned char kSessionContext[] = "ketenhub-partner-sim";

}  // namespace

void SslCtxDeleter::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

Result<SslCtxPtr> makeServerContext(const ServerTlsOptions& options) {
  if (auto r = checkKeyFilePrivate(options.key_path); !r) return unexpected(r.error());
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return tlsError("cannot create TLS context");

  Result<void> profile = isKnownProfile(options.profile)
                             ? applyProfile(ctx.get(), options.profile, Role::kServer)
                         : options.allow_test_profiles && isTestProfile(options.profile)
                             ? applyTestProfile(ctx.get(), options.profile)
                             : Result<void>(unexpected(
                                   errc::kConfig, "unknown TLS profile '" + options.profile + "'"));
  if (!profile) return unexpected(profile.error());

  if (SSL_CTX_use_certificate_chain_file(ctx.get(), options.cert_path.c_str()) != 1) {
    return tlsError("cannot load certificate " + options.cert_path);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), options.key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return tlsError("cannot load key " + options.key_path);
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1) {
    return tlsError("key " + options.key_path + " does not match " + options.cert_path);
  }
  if (SSL_CTX_load_verify_locations(ctx.get(), options.ca_path.c_str(), nullptr) != 1) {
    return tlsError("cannot load CA bundle " + options.ca_path);
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options.ca_path.c_str());
  if (names == nullptr) return tlsError("no CA names in " + options.ca_path);
  SSL_CTX_set_client_CA_list(ctx.get(), names);  // takes ownership
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_verify_depth(ctx.get(), 4);
  // Session resumption with client certificates needs a session id context.
  SSL_CTX_set_session_id_context(ctx.get(), kSessionContext, sizeof kSessionContext - 1);
  return ctx;
}

}  // namespace hub::tls
