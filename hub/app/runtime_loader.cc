#include "hub/app/runtime_loader.h"

#include <filesystem>

#include "adapters/registry.h"
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

void checkPartnerTls(const HubConfig& cfg, const PartnerConfig& p, RuntimeLoad& out) {
  for (const auto& ca : p.tls.ca_files) {
    auto info = tls::readCertificate(ca);
    if (!info)
      out.errors.push_back(p.source + " (partners." + p.code + ".tls.ca): " + rel(cfg, ca) + ": " +
                           info.error().message);
  }
  if (!p.tls.client_cert.empty()) {
    checkHubCertificate(cfg, "partners." + p.code + ".tls.client_certificate", p.tls.client_cert,
                        out);
    if (auto k = tls::checkKeyFilePrivate(p.tls.client_key); !k)
      out.errors.push_back(p.source + " (partners." + p.code +
                           ".tls.client_key): " + k.error().message);
  }
}

}  // namespace

RuntimeLoad loadRuntime(const std::string& hub_yaml) {
  RuntimeLoad out;
  config::LoadOptions opts;
  for (const auto& a : adapters::adapterTable()) opts.known_adapters.push_back(a.name);
  config::Diagnostics diag;
  auto cfg = config::loadConfig(hub_yaml, opts, diag);
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

  auto signer = dsig::Signer::load(cfg->signing.key, cfg->signing.certificate);
  if (!signer)
    out.errors.push_back("signing: " + signer.error().message);
  else
    rt->signer = *signer;
  checkHubCertificate(*cfg, "signing.certificate", cfg->signing.certificate, out);

  for (const auto& [code, p] : cfg->partners) {
    checkPartnerTls(*cfg, p, out);
    auto adapter = adapters::createAdapter(p);
    if (!adapter)
      out.errors.push_back(p.source + " (partners." + code + "): " + adapter.error().message);
    else
      rt->adapters[code] = std::shared_ptr<DeliveryAdapter>(std::move(*adapter));
  }
  if (out.errors.empty()) out.runtime = rt;
  return out;
}

}  // namespace hub::app
