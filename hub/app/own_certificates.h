#pragma once
// The hub's own certificates, found among the files its configuration names: their role by the
// key that names them, their subject and notAfter, and a warning for those that expire within
// 30 days (tls::kExpiryWarningSeconds). Shared by `run` (logged at start, reload and daily) and
// `config check` (printed as warnings, never errors).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/config/config_files.h"
#include "hub/tls/expiry_registry.h"

namespace hub::app {

// The role of the certificate a configuration key names: "signing" (signing.certificate),
// "client" (client_certificate, intake.connect/notify tls_certificate), "server" (listener and
// admin certificates), "ca" (trust anchors); nullopt for keys, secrets and CRLs.
std::optional<std::string> certificateRole(const std::string& key);

// Reads the first certificate of every such file; adds expiry warnings (keyMessage style, naming
// the key) for those expiring within 30 days of now_s. Unreadable files are reported elsewhere.
std::vector<tls::CertificateExpiry> ownCertificates(
    const HubConfig& cfg, const std::vector<config::ConfiguredFile>& files, int64_t now_s,
    std::vector<std::string>& warnings);

// One log warning per certificate (own or seen in a handshake) expiring within 30 days.
void logExpiringCertificates(const std::vector<tls::CertificateExpiry>& certs, int64_t now_s);

}  // namespace hub::app
