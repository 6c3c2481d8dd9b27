#include "adapters/https_coupling/coupling_options.h"

#include <filesystem>

#include "hub/config/loader.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {
namespace {

constexpr Millis kMaxCrlRefresh{4 * 3600 * 1000};

// tls.crl (files or http(s) distribution points), tls.crl_refresh (<= 4h), tls.crl_check.
void readCrlOptions(config::MapReader& t, const std::string& base_dir, TlsConfig& tls) {
  const auto sources = t.strList("crl");
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string& src = sources[i];
    if (src.rfind("http://", 0) == 0 || src.rfind("https://", 0) == 0) {
      tls.crl.push_back(src);
    } else if (src.find("://") != std::string::npos) {
      t.itemError("crl", i, "a CRL is a file or an http:// or https:// URL");
    } else {
      tls.crl.push_back(config::resolvePath(base_dir, src));
    }
  }
  tls.crl_refresh = t.duration("crl_refresh", tls.crl_refresh);
  if (t.has("crl_refresh") && (tls.crl_refresh > kMaxCrlRefresh || tls.crl_refresh < Millis(1000)))
    t.error("crl_refresh", "between 1s and 4h (CRLs are refreshed at least every 4 hours)");
  const std::string check = t.str("crl_check", false, "leaf");
  if (check != "leaf" && check != "chain")
    t.error("crl_check", "'leaf' (the server certificate) or 'chain' (every certificate)");
  tls.crl_whole_chain = check == "chain";
  if (sources.empty() && (t.has("crl_refresh") || t.has("crl_check")))
    t.error(t.has("crl_refresh") ? "crl_refresh" : "crl_check", "only with tls.crl");
}

}  // namespace

ChannelOptionsConstSharedPtr readHttpsCouplingOptions(config::MapReader& r,
                                                      const std::string& base_dir) {
  auto o = std::make_shared<HttpsCouplingOptions>();
  size_t errors = r.diag().errors().size();
  o->endpoint = r.str("endpoint", true);
  if (r.has("endpoint") && o->endpoint.rfind("https://", 0) != 0)
    r.error("endpoint", "partner endpoints must be https:// URLs");
  config::MapReader t = r.child("tls", true);
  o->tls.profile = t.str("profile", false, o->tls.profile);
  if (o->tls.profile != "ncsc-sufficient" && o->tls.profile != "ncsc-good")
    t.error("profile",
            "unknown TLS profile '" + o->tls.profile + "'; known: ncsc-sufficient, ncsc-good");
  for (auto& ca : t.strList("ca")) o->tls.ca_files.push_back(config::resolvePath(base_dir, ca));
  if (t.valid() && o->tls.ca_files.empty())
    t.error("ca", "at least one trust anchor (CA bundle) is required");
  o->tls.client_cert = config::resolvePath(base_dir, t.str("client_certificate", false));
  o->tls.client_key = config::resolvePath(base_dir, t.str("client_key", false));
  if (o->tls.client_cert.empty() != o->tls.client_key.empty())
    t.error("client_key", "client_certificate and client_key go together");
  o->tls.spki_pins = t.strList("pins");
  for (const auto& pin : o->tls.spki_pins)
    if (pin.size() != 44 || pin.back() != '=')
      t.error("pins", "a pin is the base64 SHA-256 of the SubjectPublicKeyInfo (44 characters)");
  o->tls.expected_oin = t.str("expected_oin", false);
  readCrlOptions(t, base_dir, o->tls);
  t.finish();
  config::MapReader to = r.child("timeouts");
  o->connect_timeout = to.duration("connect", o->connect_timeout);
  o->request_timeout = to.duration("request", o->request_timeout);
  to.finish();
  if (r.diag().errors().size() != errors) return nullptr;
  return o;
}

const HttpsCouplingOptions* couplingOptions(const PartnerConfig& partner) {
  auto it = partner.channel_options.find(partner.adapter);
  if (it == partner.channel_options.end()) return nullptr;
  return dynamic_cast<const HttpsCouplingOptions*>(it->second.get());
}

Result<curl::HttpsTarget> couplingTarget(const PartnerConfig& partner,
                                         const std::string& state_dir) {
  const HttpsCouplingOptions* o = couplingOptions(partner);
  if (!o)
    return unexpected(errc::kConfig, "partner '" + partner.code + "': no " + partner.adapter +
                                         " options (endpoint, tls)");
  return curl::HttpsTarget{partner.code,       o->endpoint,        o->tls,   partner.concurrency,
                           o->connect_timeout, o->request_timeout, state_dir};
}

std::string stateDir(const HubConfig& hub) {
  return std::filesystem::path(hub.store.sqlite_path).parent_path().string();
}

}  // namespace hub::adapters
