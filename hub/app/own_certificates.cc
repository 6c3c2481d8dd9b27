#include "hub/app/own_certificates.h"

#include <set>
#include <utility>

#include "hub/log/log.h"
#include "hub/tls/certificate.h"

namespace hub::app {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "partners.om.tls.ca[0]" -> "partners.om.tls.ca"
std::string withoutIndex(const std::string& key) {
  if (key.empty() || key.back() != ']') return key;
  const size_t open = key.rfind('[');
  return open == std::string::npos ? key : key.substr(0, open);
}

}  // namespace

std::optional<std::string> certificateRole(const std::string& raw_key) {
  const std::string key = withoutIndex(raw_key);
  if (key == "signing.certificate") return "signing";
  if (endsWith(key, ".client_certificate")) return "client";
  if (key.rfind("intake.connect", 0) == 0 && endsWith(key, ".tls_certificate")) return "client";
  if (key == "notify.tls_certificate") return "client";
  if (key.rfind("intake.listen", 0) == 0 && endsWith(key, ".tls_certificate")) return "server";
  if (key == "admin.tls.certificate") return "server";
  if (endsWith(key, ".ca") || endsWith(key, "tls_ca") || endsWith(key, ".client_ca")) return "ca";
  return std::nullopt;
}

std::vector<tls::CertificateExpiry> ownCertificates(
    const HubConfig& cfg, const std::vector<config::ConfiguredFile>& files, int64_t now_s,
    std::vector<std::string>& warnings) {
  std::vector<tls::CertificateExpiry> out;
  std::set<std::pair<std::string, std::string>> done;
  for (const auto& f : files) {
    auto role = certificateRole(f.key);
    if (!role) continue;
    auto info = tls::readCertificate(f.path);
    if (!info) continue;  // reported by the file and certificate checks
    tls::CertificateExpiry cert{info->subject, *role, info->not_after_unix};
    if (!done.insert({cert.subject, cert.role}).second) continue;
    if (cert.not_after - now_s < tls::kExpiryWarningSeconds)
      warnings.push_back(config::keyMessage(cfg, f.key, tls::expiryWarning(cert, now_s)));
    out.push_back(std::move(cert));
  }
  return out;
}

void logExpiringCertificates(const std::vector<tls::CertificateExpiry>& certs, int64_t now_s) {
  for (const auto& c : tls::expiringWithin(certs, now_s, tls::kExpiryWarningSeconds))
    log::warn("certificate expires soon", {{"subject", c.subject},
                                           {"role", c.role},
                                           {"seconds_left", c.not_after - now_s},
                                           {"detail", tls::expiryWarning(c, now_s)}});
}

}  // namespace hub::app
