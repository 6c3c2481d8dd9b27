#pragma once
// Server identity check beyond the chain and host name: the expected OIN (the leaf certificate's
// subject serialNumber, SPEC §5), checked DURING the handshake by an OpenSSL verify callback, so a
// mismatch aborts the handshake and not a byte of the request is sent.
//
// Note: this is the one file outside hub/tls that includes OpenSSL headers (the callback has to
// be installed on the SSL_CTX that curl hands to CURLOPT_SSL_CTX_FUNCTION). The OIN itself is
// read by hub::tls::certificateInfo. Candidate to move into hub/tls as a "verify hook" API.
#include <string>

struct ssl_ctx_st;

namespace hub::curl {

// One per curl easy handle; used only by the thread currently performing on that handle.
struct PeerIdentityCheck {
  std::string expected_oin;  // empty: no check
  std::string mismatch;      // set by the callback: "server certificate OIN X, expected Y"
};

// Keeps the verify mode curl chose and adds a callback that, at depth 0 and only when the chain
// already verified, compares the leaf's OIN with check->expected_oin. `check` must outlive every
// connection made with `ctx`.
void installPeerIdentityCheck(ssl_ctx_st* ctx, PeerIdentityCheck* check);

}  // namespace hub::curl
