#include "hub/curl/tls_material.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/tls/certificate.h"

namespace hub::curl {
namespace {

using CurlString = CPtr<char, curl_free>;

constexpr std::string_view kPemCertificate = "-----BEGIN CERTIFICATE-----";

}  // namespace

Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kIo, "cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return unexpected(errc::kIo, "cannot read " + path);
  return buf.str();
}

std::string urlPart(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, 0) != CURLUE_OK) return "";
  CurlString owned(raw);
  return owned ? std::string(owned.get()) : "";
}

TlsMaterial readTlsMaterial(const TlsConfig& tls, const TlsKeyNames& names,
                            bool key_must_be_private, std::vector<std::string>& errors) {
  TlsMaterial m;
  const std::string ca = names.ca, cert_key = names.client_cert, key_key = names.client_key;
  if (tls.ca_files.empty()) errors.push_back(ca + ": at least one trust anchor needed");
  for (const auto& path : tls.ca_files) {
    auto pem = readWholeFile(path);
    if (!pem) {
      errors.push_back(ca + ": " + pem.error().message);
    } else if (pem->find(kPemCertificate) == std::string::npos) {
      errors.push_back(ca + ": " + path + " holds no PEM certificate");
    } else {
      m.ca_bundle += *pem;
      if (m.ca_bundle.back() != '\n') m.ca_bundle += '\n';
    }
  }
  if (tls.client_cert.empty() != tls.client_key.empty()) {
    errors.push_back(cert_key + " and " + key_key + " must be given together");
    return m;
  }
  if (tls.client_cert.empty()) return m;
  auto cert = readWholeFile(tls.client_cert);
  Result<void> mode =
      key_must_be_private ? tls::checkKeyFilePrivate(tls.client_key) : Result<void>();
  auto key = mode ? readWholeFile(tls.client_key) : Result<std::string>(unexpected(mode.error()));
  if (!cert) errors.push_back(cert_key + ": " + cert.error().message);
  if (cert && cert->find(kPemCertificate) == std::string::npos)
    errors.push_back(cert_key + ": " + tls.client_cert + " holds no PEM certificate");
  if (!key) errors.push_back(key_key + ": " + key.error().message);
  if (cert && key) {
    m.client_cert_pem = std::move(*cert);
    m.client_key_pem = std::move(*key);
  }
  return m;
}

}  // namespace hub::curl
