#pragma once
// Reaches the OpenSSL context inside Proton C++ TLS options, so that the amqps listener and the
// hub's AMQP clients (connect-mode intake, the notification publisher) can narrow what their
// handshakes offer (Proton C++ has no setter for ciphers, versions or groups).
// Depends on Proton's private memory layout: the .cc refuses to compile on another Proton version.
#include <proton/ssl.hpp>

#include "hub/core/result.h"

struct ssl_ctx_st;  // OpenSSL SSL_CTX

namespace hub::amqp {

// The SSL_CTX from which Proton makes the TLS session of every connection accepted with `opts`
// (and with its copies, which share it; it lives as long as any copy does). Change it before the
// options are handed to a container: Proton does not touch its cipher, version or group settings
// after constructing the options. Error for options without TLS (the default constructor).
Result<ssl_ctx_st*> serverSslContext(const proton::ssl_server_options& opts);

// The same for client options: the SSL_CTX of every connection made with `opts` (and copies).
Result<ssl_ctx_st*> clientSslContext(const proton::ssl_client_options& opts);

}  // namespace hub::amqp
