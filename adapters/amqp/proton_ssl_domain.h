#pragma once
// Reaches the OpenSSL context inside Proton C++ server TLS options, so that the amqps listener can
// narrow what its handshake offers (Proton C++ has no setter for ciphers, versions or groups).
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

}  // namespace hub::amqp
