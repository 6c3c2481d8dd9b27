#pragma once
// Server identity check beyond the chain and host name: the expected OIN (the leaf certificate's
// subject serialNumber), checked DURING the handshake by an OpenSSL verify callback, so a
// mismatch aborts the handshake and not a byte of the request is sent. The same callback notes
// why a chain was refused for revocation (the leaf is revoked; a CRL problem) and records every
// partner server certificate it sees (its subject and notAfter) in a tls::ExpiryRegistry.
//
// Note: this is the one file outside hub/tls that includes OpenSSL headers (the callback has to
// be installed on the SSL_CTX that curl hands to CURLOPT_SSL_CTX_FUNCTION). The OIN itself is
// read by hub::tls::certificateInfo. Candidate to move into hub/tls as a "verify hook" API.
#include <string>

#include "hub/tls/expiry_registry.h"

struct ssl_ctx_st;

namespace hub::curl {

// One per curl easy handle; used only by the thread currently performing on that handle.
struct PeerIdentityCheck {
  std::string expected_oin;             // empty: no check
  tls::ExpiryRegistry* seen = nullptr;  // server leaf certificates seen (role partner_server)
  // Set by the callback; cleared before each request.
  std::string mismatch;     // "server certificate OIN X, expected Y"
  bool revoked = false;     // the server's certificate is on its issuer's CRL
  std::string crl_problem;  // a CRL needed for the chain is missing, expired or not valid
};

// Keeps the verify mode curl chose and adds a callback that, at depth 0: records the leaf (when
// the chain verified, or when it is revoked) in check->seen; and, only when the chain already
// verified, compares the leaf's OIN with check->expected_oin. `check` must outlive every
// connection made with `ctx`.
void installPeerIdentityCheck(ssl_ctx_st* ctx, PeerIdentityCheck* check);

}  // namespace hub::curl
