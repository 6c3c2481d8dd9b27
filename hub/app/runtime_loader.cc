#include "hub/app/runtime_loader.h"

#include <filesystem>
#include <map>
#include <set>

#include "adapters/https_coupling/coupling_options.h"
#include "adapters/registry.h"
#include "hub/audit/person_key.h"
#include "hub/config/loader.h"
#include "hub/tls/certificate.h"

namespace fs = std::filesystem;

namespace hub::app {
namespace {

std::string rel(const HubConfig& cfg, const std::string& path) {
  auto r = fs::path(path).lexically_relative(cfg.base_dir);
  return (!r.empty() && r.string().rfind("..", 0) != 0) ? r.string() : path;
}

// Hub certificates must carry the hub's OIN, must not be SHA-1 signed; RSA < 3072 is a warning.
void checkHubCertificate(const HubConfig& cfg, const std::string& what, const std::string& path,
                         RuntimeLoad& out) {
  auto info = tls::readCertificate(path);
  if (!info) {
    out.errors.push_back(what + " " + rel(cfg, path) + ": " + info.error().message);
    return;
  }
  if (info->oin != cfg.hub.oin)
    out.errors.push_back(what + " " + rel(cfg, path) + ": subject serialNumber (OIN) '" +
                         info->oin + "' differs from hub.oin '" + cfg.hub.oin + "'");
  if (info->sha1_signed)
    out.errors.push_back(what + " " + rel(cfg, path) + ": SHA-1 signed certificates are refused");
  if (info->key_type == "rsa" && info->key_bits < 2048)
    out.errors.push_back(what + " " + rel(cfg, path) + ": RSA key of " +
                         std::to_string(info->key_bits) + " bits is too weak (minimum 2048)");
  else if (info->key_type == "rsa" && info->key_bits < 3072)
    out.warnings.push_back(what + " " + rel(cfg, path) + ": RSA key of " +
                           std::to_string(info->key_bits) +
                           " bits; NCSC rates 3072 bits or more as good");
}

void checkPartnerTls(const HubConfig& cfg, const PartnerConfig& p, RuntimeLoad& out,
                     std::map<std::string, int64_t>& expiry) {
  const adapters::HttpsCouplingOptions* coupling = adapters::couplingOptions(p);
  if (!coupling) return;
  const TlsConfig& tls = coupling->tls;
  for (const auto& ca : tls.ca_files) {
    auto info = tls::readCertificate(ca);
    if (!info) {
      out.errors.push_back(p.source + " (partners." + p.code + ".tls.ca): " + rel(cfg, ca) + ": " +
                           info.error().message);
      continue;
    }
    auto& soonest = expiry["partners." + p.code + ".ca"];
    if (soonest == 0 || info->not_after_unix < soonest) soonest = info->not_after_unix;
  }
  if (!tls.client_cert.empty())
    if (auto info = tls::readCertificate(tls.client_cert))
      expiry["partners." + p.code + ".client"] = info->not_after_unix;
  if (!tls.client_cert.empty()) {
    checkHubCertificate(cfg, "partners." + p.code + ".tls.client_certificate", tls.client_cert,
                        out);
    if (auto k = tls::checkKeyFilePrivate(tls.client_key); !k)
      out.errors.push_back(p.source + " (partners." + p.code +
                           ".tls.client_key): " + k.error().message);
  }
}

}  // namespace

namespace {
config::LoadOptions loadOptions() {
  config::LoadOptions opts;
  for (const auto& e : adapters::channelTable())
    if (e.schema.primary) opts.known_adapters.push_back(e.schema.name);
  opts.channels = adapters::channelSchemas();
  return opts;
}
}  // namespace

Result<HubConfigConstSharedPtr> loadConfigOnly(const std::string& hub_yaml,
                                               std::vector<std::string>& errors) {
  config::Diagnostics diag;
  auto cfg = config::loadConfig(hub_yaml, loadOptions(), diag);
  if (!cfg) {
    errors = diag.errors();
    return unexpected("config", "configuration has " + std::to_string(errors.size()) + " error(s)");
  }
  return HubConfigConstSharedPtr(cfg);
}

RuntimeLoad loadRuntime(const std::string& hub_yaml, bool for_run) {
  RuntimeLoad out;
  config::Diagnostics diag;
  auto cfg = config::loadConfig(hub_yaml, loadOptions(), diag);
  out.warnings = diag.warnings();
  if (!cfg) {
    out.errors = diag.errors();
    return out;
  }
  auto rt = std::make_shared<engine::Runtime>();
  rt->cfg = cfg;

  for (const auto& route : cfg->routes) {
    std::string xsd =
        (fs::path(cfg->schemas_dir) / "events" / (route.event_type + ".xsd")).string();
    auto schema = xml::Schema::load(xsd);
    if (!schema)
      out.errors.push_back(route.source + " (event_type " + route.event_type + "): event schema " +
                           rel(*cfg, xsd) + ": " + schema.error().message);
    else
      rt->event_schemas[route.event_type] = *schema;
    for (const auto& rule : route.deliveries) {
      std::string key = rule.partner + "/" + rule.product;
      if (rt->products.count(key)) continue;
      std::string xsl =
          (fs::path(cfg->mappings_dir) / rule.partner / (rule.product + ".xsl")).string();
      std::string pxsd =
          (fs::path(cfg->schemas_dir) / rule.partner / (rule.product + ".xsd")).string();
      engine::ProductArtifacts art;
      auto sheet = xml::Stylesheet::load(xsl);
      if (!sheet)
        out.errors.push_back(rule.source + " (" + key + "): mapping " + rel(*cfg, xsl) + ": " +
                             sheet.error().message);
      else
        art.stylesheet = *sheet;
      auto ps = xml::Schema::load(pxsd);
      if (!ps)
        out.errors.push_back(rule.source + " (" + key + "): product schema " + rel(*cfg, pxsd) +
                             ": " + ps.error().message);
      else
        art.schema = *ps;
      if (art.stylesheet && art.schema) rt->products[key] = art;
    }
  }

  if (for_run || fs::exists(cfg->audit.key_file)) {
    auto key = audit::loadPersonKey(cfg->audit.key_file, for_run);
    if (!key)
      out.errors.push_back("audit.key_file: " + key.error().message);
    else
      rt->person_key = std::move(*key);
  }
  auto signer = dsig::Signer::load(cfg->signing.key, cfg->signing.certificate);
  if (!signer)
    out.errors.push_back("signing: " + signer.error().message);
  else
    rt->signer = *signer;
  checkHubCertificate(*cfg, "signing.certificate", cfg->signing.certificate, out);
  if (auto info = tls::readCertificate(cfg->signing.certificate))
    rt->certificate_expiry["signing"] = info->not_after_unix;

  for (const auto& [code, p] : cfg->partners) {
    checkPartnerTls(*cfg, p, out, rt->certificate_expiry);
    std::vector<std::string> products;
    std::set<std::string> fallbacks;
    for (const auto& route : cfg->routes)
      for (const auto& rule : route.deliveries)
        if (rule.partner == code) {
          products.push_back(rule.product);
          fallbacks.insert(rule.fallback.begin(), rule.fallback.end());
        }
    auto& chans = rt->channels[code];
    adapters::ChannelContext ctx{*cfg, p, nullptr, products};
    auto primary = adapters::createChannel(p.adapter, ctx);
    if (!primary)
      out.errors.push_back(p.source + " (partners." + code + "): " + primary.error().message);
    else
      chans.primary = std::shared_ptr<Channel>(std::move(*primary));
    // A fallback channel serves a partner when it is configured hub-wide (channels.<name> in
    // hub.yaml) and, if it has per-partner options, for the partner; otherwise the chain skips
    // it with that reason.
    for (const auto& name : fallbacks) {
      const adapters::ChannelEntry* entry = adapters::findChannel(name);
      auto cc = cfg->engine.channels.find(name);
      if (!entry || !entry->schema.fallback || cc == cfg->engine.channels.end() ||
          !cc->second.options)
        continue;
      if (entry->schema.read_partner && !p.channel_options.count(name)) continue;
      adapters::ChannelContext fctx{*cfg, p, &cc->second, products};
      auto ch = entry->create(fctx);
      if (!ch)
        out.errors.push_back(p.source + " (partners." + code + "." + name +
                             "): " + ch.error().message);
      else
        chans.fallback[name] = std::shared_ptr<Channel>(std::move(*ch));
    }
  }
  if (out.errors.empty()) out.runtime = rt;
  return out;
}

}  // namespace hub::app
