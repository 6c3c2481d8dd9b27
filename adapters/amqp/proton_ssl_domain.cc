#include "adapters/amqp/proton_ssl_domain.h"

#include <openssl/ssl.h>
#include <proton/ssl.h>
#include <proton/version.h>

#include <cstring>
#include <string>
#include <type_traits>

#include "hub/core/error_codes.h"

// Why this file exists: the amqps listener must offer only the NCSC suites in its TLS handshake.
// Proton C++ 0.37 builds the server's TLS context in proton::ssl_server_options and exposes
// nothing to narrow it; Proton's own default cipher list ("ALL:!aNULL:!eNULL:@STRENGTH", at
// OpenSSL security level 0 for a server without client certificates) offers CBC, CCM, ARIA,
// Camellia, DHE and static-RSA suites, TLS 1.0 and 1.1, and X448 and FFDHE groups. The C API
// could narrow ciphers and versions (pn_ssl_domain_set_ciphers, pn_ssl_domain_set_protocols) but
// not groups, and the C++ options do not hand out their pn_ssl_domain_t either.
//
// So this reads two private pointers, both at offset 0, as laid out by Proton 0.37.0 (checked in
// its C++ options and OpenSSL sources, and in the disassembly of Debian's libqpid-proton-cpp12
// and libqpid-proton-core10 0.37.0):
//   proton::ssl_server_options { impl* impl_; }             (public header, one pointer)
//   ssl_server_options::impl   { pn_ssl_domain_t* pn_domain_; int refcount_; }
//   (proton::ssl_client_options and its impl: the same two layouts)
//   pn_ssl_domain_t            { SSL_CTX* ctx; ... }         (OpenSSL build of Proton)
// Any other Proton version may lay these out differently: re-check the three structures above,
// then widen the guard below. The hub's check of every negotiated session stays in place as a
// second line of defence.
#if PN_VERSION_MAJOR != 0 || PN_VERSION_MINOR != 37 || PN_VERSION_POINT != 0
#error "proton_ssl_domain.cc reads Proton 0.37.0's private layout: re-check it for this Proton"
#endif

namespace hub::amqp {
namespace {

static_assert(sizeof(proton::ssl_server_options) == sizeof(void*),
              "proton::ssl_server_options is expected to hold exactly its impl pointer");
static_assert(std::is_standard_layout_v<proton::ssl_server_options>,
              "proton::ssl_server_options is expected to start with its impl pointer");
static_assert(sizeof(proton::ssl_client_options) == sizeof(void*),
              "proton::ssl_client_options is expected to hold exactly its impl pointer");
static_assert(std::is_standard_layout_v<proton::ssl_client_options>,
              "proton::ssl_client_options is expected to start with its impl pointer");

// The pointer stored at the start of the object at `at`.
template <class T>
T* leadingPointer(const void* at) {
  T* out = nullptr;
  std::memcpy(&out, at, sizeof out);
  return out;
}

// The SSL_CTX behind options whose object starts with its impl pointer; `method` is the one
// Proton makes that side's context from (a cheap check that the layout still holds).
Result<ssl_ctx_st*> contextOf(const void* opts, const SSL_METHOD* method, const char* what) {
  const void* impl = leadingPointer<const void>(opts);
  if (impl == nullptr) return unexpected(errc::kTls, std::string(what) + ": options without TLS");
  auto* domain = leadingPointer<pn_ssl_domain_t>(impl);
  SSL_CTX* ctx = domain == nullptr ? nullptr : leadingPointer<SSL_CTX>(domain);
  if (ctx == nullptr || SSL_CTX_get_ssl_method(ctx) != method)
    return unexpected(errc::kTls, std::string(what) + ": Proton's TLS context not found");
  return ctx;
}

}  // namespace

Result<ssl_ctx_st*> serverSslContext(const proton::ssl_server_options& opts) {
  return contextOf(&opts, TLS_server_method(), "amqps listener");
}

Result<ssl_ctx_st*> clientSslContext(const proton::ssl_client_options& opts) {
  return contextOf(&opts, TLS_client_method(), "amqps client");
}

}  // namespace hub::amqp
