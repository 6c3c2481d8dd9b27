#include "adapters/https_coupling/coupling_options.h"

#include "hub/config/loader.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {

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

Result<curl::HttpsTarget> couplingTarget(const PartnerConfig& partner) {
  const HttpsCouplingOptions* o = couplingOptions(partner);
  if (!o)
    return unexpected(errc::kConfig, "partner '" + partner.code + "': no " + partner.adapter +
                                         " options (endpoint, tls)");
  return curl::HttpsTarget{partner.code,        o->endpoint,        o->tls,
                           partner.concurrency, o->connect_timeout, o->request_timeout};
}

}  // namespace hub::adapters
