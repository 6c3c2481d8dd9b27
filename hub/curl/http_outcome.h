#pragma once
// Pure classification of one HTTP exchange into an Outcome (the rest-xml rules):
//   2xx                          delivered; the body is kept as the receipt (at most 64 KiB)
//   408, 425, 429, 5xx           retryable "HTTP <code>", honouring Retry-After
//   other 4xx                    permanent "HTTP <code>"
//   1xx, 3xx                     permanent "HTTP <code>: ..." (redirects are never followed)
//   status outside 100..599      retryable "HTTP <code>: invalid status" (a broken partner)
//   transport failure            retryable, with a precise reason ("connect: refused", "timeout",
//                                "tls: certificate verify failed", "tls: SPKI pin mismatch",
//                                "tls: server certificate OIN X, expected Y",
//                                "tls: certificate revoked", "tls: CRL unavailable (...)", ...)
// No I/O, no curl calls: https_client.cc fills HttpResult (CURLcode -> TransportError); this
// decides what it means. Reasons never contain bodies or personal data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/core/outcome.h"

namespace hub::curl {

inline constexpr size_t kMaxReceiptBytes = 64 * 1024;

// Why an exchange produced no HTTP response. Filled by hub/curl from the CURLcode and errno.
enum class TransportError {
  kNone,
  kDns,              // could not resolve host
  kConnectRefused,   // TCP RST
  kConnect,          // other connect failures (unreachable, ...)
  kTimeout,          // connect or total timeout
  kTlsVerify,        // server certificate chain or host name did not verify
  kTlsPin,           // no configured SPKI pin matched
  kTlsPeerIdentity,  // expected OIN did not match; curl_error holds the full detail
  kTlsRevoked,       // the server certificate is revoked (on its issuer's CRL)
  kTlsCrl,           // no usable CRL (missing, past its nextUpdate, not verifiable): fail closed
  kTlsHandshake,     // other TLS failures (protocol version, no shared cipher, alert, ...)
  kSend,             // failed while sending the request
  kReceive,          // failed or truncated while reading the response
  kOther,
};

struct HttpResult {
  int curl_code = 0;       // CURLcode as int, 0 = an HTTP response was received
  std::string curl_error;  // detail for a failed exchange (never contains the body)
  int http_status = 0;
  std::optional<std::string> retry_after;  // Retry-After header, raw
  std::string body;                        // response body (bounded by the client)
  bool tls_error = false;
  TransportError transport = TransportError::kNone;
  std::optional<std::string> date;  // Date header, raw: the reference for an HTTP-date Retry-After
  int64_t received_at_ms = 0;       // unix ms when the response arrived (fallback reference)
};

Outcome classifyHttp(const HttpResult& result);

// Short reason for a transport failure, e.g. "connect: refused".
std::string transportReason(TransportError error, std::string_view detail);

// RFC 9110 §10.2.3: delta-seconds or HTTP-date (IMF-fixdate, RFC 850, asctime). A date is
// relative to reference_ms; dates in the past give 0. Invalid -> nullopt. Clamped to 1e9 s.
std::optional<long> parseRetryAfter(std::string_view value, int64_t reference_ms);

// RFC 9110 §5.6.7 HTTP-date -> unix seconds. Invalid -> nullopt.
std::optional<int64_t> parseHttpDate(std::string_view value);

}  // namespace hub::curl
