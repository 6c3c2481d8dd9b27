#include "hub/app/runtime_loader.h"

#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "adapters/https_coupling/coupling_options.h"
#include "adapters/print/print_options.h"
#include "adapters/registry.h"
#include "adapters/securemail/securemail_options.h"
#include "hub/admin/tokens.h"
#include "hub/app/own_certificates.h"
#include "hub/audit/person_key.h"
#include "hub/config/config_files.h"
#include "hub/config/loader.h"
#include "hub/tls/certificate.h"

namespace fs = std::filesystem;

namespace hub::app {
namespace {

using config::keyMessage;

std::string rel(const HubConfig& cfg, const std::string& path) {
  return config::shownPath(cfg, path);
}

// Hub certificates must carry the hub's OIN, must not be SHA-1 signed; RSA < 3072 is a warning.
// `key` is the key that names the certificate: its messages point there.
void checkHubCertificate(const HubConfig& cfg, const std::string& key, const std::string& path,
                         RuntimeLoad& out) {
  auto info = tls::readCertificate(path);
  const std::string file = rel(cfg, path) + ": ";
  if (!info) {
    out.errors.push_back(keyMessage(cfg, key, file + info.error().message));
    return;
  }
  if (info->oin != cfg.hub.oin)
    out.errors.push_back(keyMessage(cfg, key,
                                    file + "subject serialNumber (OIN) '" + info->oin +
                                        "' differs from hub.oin '" + cfg.hub.oin + "'"));
  if (info->sha1_signed)
    out.errors.push_back(keyMessage(cfg, key, file + "SHA-1 signed certificates are refused"));
  if (info->key_type == "rsa" && info->key_bits < 2048)
    out.errors.push_back(keyMessage(cfg, key,
                                    file + "RSA key of " + std::to_string(info->key_bits) +
                                        " bits is too weak (minimum 2048)"));
  else if (info->key_type == "rsa" && info->key_bits < 3072)
    out.warnings.push_back(keyMessage(cfg, key,
                                      file + "RSA key of " + std::to_string(info->key_bits) +
                                          " bits; NCSC rates 3072 bits or more as good"));
}

void checkPartnerTls(const HubConfig& cfg, const PartnerConfig& p, RuntimeLoad& out,
                     std::map<std::string, int64_t>& expiry) {
  const adapters::HttpsCouplingOptions* coupling = adapters::couplingOptions(p);
  if (!coupling) return;
  const TlsConfig& tls = coupling->tls;
  const std::string prefix = "partners." + p.code + ".tls.";
  for (size_t i = 0; i < tls.ca_files.size(); ++i) {
    const std::string& ca = tls.ca_files[i];
    auto info = tls::readCertificate(ca);
    if (!info) {
      out.errors.push_back(keyMessage(cfg, prefix + "ca[" + std::to_string(i) + "]",
                                      rel(cfg, ca) + ": " + info.error().message));
      continue;
    }
    auto& soonest = expiry["partners." + p.code + ".ca"];
    if (soonest == 0 || info->not_after_unix < soonest) soonest = info->not_after_unix;
  }
  if (!tls.client_cert.empty())
    if (auto info = tls::readCertificate(tls.client_cert))
      expiry["partners." + p.code + ".client"] = info->not_after_unix;
  if (!tls.client_cert.empty()) {
    checkHubCertificate(cfg, prefix + "client_certificate", tls.client_cert, out);
    if (auto k = tls::checkKeyFilePrivate(tls.client_key); !k)
      out.errors.push_back(keyMessage(cfg, prefix + "client_key", k.error().message));
  }
}

// Every file the configuration names: hub.yaml's own and those in the channels' options (the
// partners' TLS, the secure-mail relay's password and TLS, the print service's TLS).
std::vector<config::ConfiguredFile> allConfiguredFiles(const HubConfig& cfg) {
  auto files = config::configuredFiles(cfg);
  auto hub_options = [&](const std::string& channel) -> const ChannelOptions* {
    auto it = cfg.engine.channels.find(channel);
    return it == cfg.engine.channels.end() ? nullptr : it->second.options.get();
  };
  if (const auto* mail =
          dynamic_cast<const securemail::SecureMailHubOptions*>(hub_options("securemail"))) {
    if (!mail->password_file.empty())
      files.push_back({"channels.securemail.password_file", mail->password_file, false});
    config::addTlsFiles("channels.securemail.tls", mail->tls, files);
  }
  if (const auto* print =
          dynamic_cast<const adapters::print::PrintHubOptions*>(hub_options("print")))
    config::addTlsFiles("channels.print.tls", print->tls, files);
  for (const auto& [code, p] : cfg.partners)
    if (const auto* coupling = adapters::couplingOptions(p))
      config::addTlsFiles("partners." + code + ".tls", coupling->tls, files);
  return files;
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

  // The files first: on a fresh checkout the first error names the command that makes the test
  // PKI. When one is missing, the checks of keys, certificates and channels below are skipped:
  // they read the same files and would only repeat those errors.
  config::Diagnostics files_diag;
  std::error_code ec;
  const bool files_ok = config::checkConfiguredFiles(*cfg, allConfiguredFiles(*cfg),
                                                     fs::current_path(ec).string(), files_diag);
  out.errors = files_diag.errors();

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
    if (!key && cfg->sources.count("audit.key_file"))
      out.errors.push_back(keyMessage(*cfg, "audit.key_file", key.error().message));
    else if (!key)  // the default, next to the store file
      out.errors.push_back(keyMessage(*cfg, "store.sqlite", key.error().message));
    else
      rt->person_key = std::move(*key);
  }
  if (!files_ok) return out;
  rt->certificates = ownCertificates(*cfg, allConfiguredFiles(*cfg),
                                     static_cast<int64_t>(std::time(nullptr)), out.warnings);
  if (!cfg->admin.tokens_file.empty()) {
    if (auto tokens = admin::TokenStore::load(cfg->admin.tokens_file); !tokens)
      out.errors.push_back(keyMessage(*cfg, "admin.tokens_file", tokens.error().message));
  }
  auto signer = dsig::Signer::load(cfg->signing.key, cfg->signing.certificate);
  if (!signer)
    out.errors.push_back(keyMessage(*cfg, "signing.key", signer.error().message));
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
