#pragma once
// The print service protocol (URL mode), pure: one POST per letter, multipart/form-data
// (RFC 7578) with two parts, both binary as is:
//
//   Content-Type: multipart/form-data; boundary=ketenhub-<40 hex>
//   X-Message-Id: <delivery id>          (the same on every retry: the service drops duplicates)
//
//   part "letter"    filename "<partner>-<delivery id>.pdf"   application/pdf
//   part "manifest"  filename "<partner>-<delivery id>.json"  application/json (manifest.h)
//
// The boundary is derived from a SHA-256 of both parts, so it occurs in neither. The answer:
// 2xx delivered; 408, 425, 429, 5xx retryable (Retry-After in seconds honoured); other 4xx and
// 1xx/3xx permanent; no response retryable with a short transport reason.
#include <string>
#include <string_view>

#include "hub/core/outcome.h"
#include "hub/curl/https_client.h"

namespace hub::adapters::print {

std::string multipartBoundary(std::string_view pdf, std::string_view manifest);

std::string multipartBody(const std::string& boundary, const std::string& name,
                          std::string_view pdf, std::string_view manifest);

Outcome classifyPrintService(const curl::HttpResult& r);

}  // namespace hub::adapters::print
