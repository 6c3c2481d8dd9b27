#include "hub/curl/client_settings.h"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/curl/tls_material.h"
#include "hub/tls/tls_profile.h"

namespace hub::curl {
namespace {

using UrlPtr = CPtr<CURLU, curl_url_cleanup>;

void checkUrl(const std::string& endpoint, std::vector<std::string>& errors) {
  UrlPtr url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, endpoint.c_str(), 0) != CURLUE_OK) {
    errors.push_back("endpoint '" + endpoint + "' is not a valid absolute URL");
    return;
  }
  if (urlPart(url.get(), CURLUPART_SCHEME) != "https") {
    errors.push_back("endpoint '" + endpoint + "' must be an https:// URL");
  }
  if (urlPart(url.get(), CURLUPART_HOST).empty()) {
    errors.push_back("endpoint '" + endpoint + "' has no host");
  }
  if (!urlPart(url.get(), CURLUPART_USER).empty()) {
    errors.push_back("endpoint must not carry credentials");
  }
}

bool isBase64(std::string_view s) {
  size_t pad = 0;
  for (char c : s) {
    if (c == '=') {
      ++pad;
    } else if (pad > 0 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;
    }
  }
  return pad <= 2;
}

}  // namespace

Result<std::string> normalizePin(const std::string& pin) {
  std::string_view b64 = pin;
  if (b64.rfind("sha256//", 0) == 0) b64.remove_prefix(8);
  // base64 of 32 bytes: 43 characters and one '='.
  if (b64.size() != 44 || b64.back() != '=' || b64[42] == '=' || !isBase64(b64)) {
    return unexpected(errc::kConfig, "SPKI pin '" + pin +
                                         "' is not a base64 SHA-256 (44 characters, e.g. "
                                         "from `openssl pkey -pubout -outform DER | openssl dgst "
                                         "-sha256 -binary | base64`)");
  }
  return "sha256//" + std::string(b64);
}

Result<ClientSettings> makeClientSettings(const HttpsTarget& cfg) {
  std::vector<std::string> errors;
  ClientSettings s;
  s.partner = cfg.code;
  s.url = cfg.endpoint;
  checkUrl(cfg.endpoint, errors);

  TlsMaterial m = readTlsMaterial(cfg.tls, {"tls.ca_files", "tls.client_cert", "tls.client_key"},
                                  /*key_must_be_private=*/false, errors);
  s.ca_bundle = std::move(m.ca_bundle);
  s.client_cert_pem = std::move(m.client_cert_pem);
  s.client_key_pem = std::move(m.client_key_pem);

  for (const auto& pin : cfg.tls.spki_pins) {
    auto normalized = normalizePin(pin);
    if (!normalized) {
      errors.push_back("tls.spki_pins: " + normalized.error().message);
      continue;
    }
    if (!s.pinned_public_keys.empty()) s.pinned_public_keys += ';';
    s.pinned_public_keys += *normalized;
    ++s.pin_count;
  }

  s.profile = cfg.tls.profile.empty() ? "ncsc-sufficient" : cfg.tls.profile;
  if (!tls::isKnownProfile(s.profile)) {
    errors.push_back("tls.profile: unknown TLS profile '" + s.profile +
                     "' (known: ncsc-sufficient, ncsc-good)");
  }
  s.expected_oin = cfg.tls.expected_oin;
  s.crl = cfg.tls.crl;
  s.crl_refresh_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(cfg.tls.crl_refresh).count();
  if (!s.crl.empty() && (s.crl_refresh_seconds < 1 || s.crl_refresh_seconds > 4 * 3600))
    errors.push_back("tls.crl_refresh must be between 1s and 4h");
  s.crl_whole_chain = cfg.tls.crl_whole_chain;
  if (!cfg.state_dir.empty()) s.crl_cache_dir = cfg.state_dir + "/crl-cache";

  s.connect_timeout_ms = static_cast<long>(cfg.connect_timeout.count());
  s.request_timeout_ms = static_cast<long>(cfg.request_timeout.count());
  if (s.connect_timeout_ms <= 0) errors.push_back("connect_timeout must be positive");
  if (s.request_timeout_ms <= 0) errors.push_back("request_timeout must be positive");
  if (cfg.concurrency < 1) errors.push_back("concurrency must be at least 1");
  s.concurrency = cfg.concurrency;

  if (!errors.empty()) {
    std::string message;
    for (const auto& e : errors) {
      if (!message.empty()) message += '\n';
      message += "partner '" + cfg.code + "': " + e;
    }
    return unexpected(errc::kConfig, message);
  }
  return s;
}

}  // namespace hub::curl
