#include "adapters/print/print_http.h"

#include <algorithm>

#include "hub/tls/digest.h"

namespace hub::adapters::print {
namespace {

constexpr size_t kMaxReceipt = 64 * 1024;

std::string transportText(curl::TransportError e) {
  using T = curl::TransportError;
  switch (e) {
    case T::kDns:
      return "dns: cannot resolve host";
    case T::kConnectRefused:
      return "connect: refused";
    case T::kConnect:
      return "connect: failed";
    case T::kTimeout:
      return "timeout";
    case T::kTlsVerify:
      return "tls: certificate verify failed";
    case T::kTlsPin:
      return "tls: SPKI pin mismatch";
    case T::kTlsPeerIdentity:
      return "tls: server identity (OIN) mismatch";
    case T::kTlsRevoked:
      return "tls: certificate revoked";
    case T::kTlsCrl:
      return "tls: CRL unavailable";
    case T::kTlsHandshake:
      return "tls: handshake failed";
    case T::kSend:
      return "send failed";
    case T::kReceive:
      return "receive failed";
    case T::kNone:
    case T::kOther:
      break;
  }
  return "transport error";
}

void appendPart(std::string& out, const std::string& boundary, const char* field,
                const std::string& filename, const char* type, std::string_view bytes) {
  out += "--" + boundary + "\r\n";
  out += std::string("Content-Disposition: form-data; name=\"") + field + "\"; filename=\"" +
         filename + "\"\r\n";
  out += std::string("Content-Type: ") + type + "\r\n\r\n";
  out.append(bytes.data(), bytes.size());
  out += "\r\n";
}

}  // namespace

std::string multipartBoundary(std::string_view pdf, std::string_view manifest) {
  std::string both;
  both.reserve(pdf.size() + manifest.size());
  both.append(pdf).append(manifest);
  return "ketenhub-" + tls::sha256Hex(both).substr(0, 40);
}

std::string multipartBody(const std::string& boundary, const std::string& name,
                          std::string_view pdf, std::string_view manifest) {
  std::string out;
  out.reserve(pdf.size() + manifest.size() + 512);
  appendPart(out, boundary, "letter", name + ".pdf", "application/pdf", pdf);
  appendPart(out, boundary, "manifest", name + ".json", "application/json", manifest);
  out += "--" + boundary + "--\r\n";
  return out;
}

Outcome classifyPrintService(const curl::HttpResult& r) {
  if (r.curl_code != 0 || r.http_status == 0) {
    return Outcome::retryable(r.transport == curl::TransportError::kNone && r.http_status == 0 &&
                                      r.curl_code == 0
                                  ? "no response"
                                  : transportText(r.transport));
  }
  const int s = r.http_status;
  const std::string code = "HTTP " + std::to_string(s);
  if (s < 100 || s > 599) return Outcome::retryable(code + ": invalid status", s);
  if (s >= 200 && s < 300) {
    return Outcome::delivered(s, r.body.substr(0, std::min(r.body.size(), kMaxReceipt)));
  }
  if (s == 408 || s == 425 || s == 429 || s >= 500) {
    Outcome o = Outcome::retryable(code, s);
    if (r.retry_after && !r.retry_after->empty() && r.retry_after->size() <= 9 &&
        std::all_of(r.retry_after->begin(), r.retry_after->end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      o.retry_after_seconds = std::stol(*r.retry_after);
    }
    return o;
  }
  return Outcome::permanent(code, s);
}

}  // namespace hub::adapters::print
