#pragma once
// Runtime: one loaded configuration with everything compiled (event schemas, product
// stylesheets and schemas, signing key, every partner's channels). Immutable once built; shared
// as std::shared_ptr<const Runtime> and swapped whole on reload. Built by hub/app/runtime_loader,
// which `run`, `config check` and `route test` share.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/dsig/signer.h"
#include "hub/pipeline/channel.h"
#include "hub/tls/expiry_registry.h"
#include "hub/xml/schema.h"
#include "hub/xml/stylesheet.h"

namespace hub::engine {

struct ProductArtifacts {
  std::shared_ptr<const xml::Stylesheet> stylesheet;
  std::shared_ptr<const xml::Schema> schema;
};

struct Runtime {
  HubConfigConstSharedPtr cfg;
  std::map<std::string, std::shared_ptr<const xml::Schema>> event_schemas;  // by event type
  std::map<std::string, ProductArtifacts> products;  // by "<partner>/<product>"
  std::shared_ptr<const dsig::Signer> signer;
  // By partner: the coupling (its adapter) and the fallback channels it is configured for.
  struct PartnerChannels {
    std::shared_ptr<Channel> primary;
    std::map<std::string, std::shared_ptr<Channel>> fallback;  // by channel name
  };
  std::map<std::string, PartnerChannels> channels;
  // Expiry (unix seconds) of the certificates the hub uses, by name: "signing",
  // "partners.<code>.client" (the coupling's client certificate), "partners.<code>.ca" (the
  // soonest of its trust anchors).
  std::map<std::string, int64_t> certificate_expiry;
  // The hub's own certificates by subject and role (signing, client, server, ca), for
  // ketenhub_certificate_expiry_seconds{subject,role} and the expiry warnings.
  std::vector<tls::CertificateExpiry> certificates;
  // The key of the audit trail's person hash (audit.key_file); empty for tools that audit nothing.
  std::string person_key;

  // The route's rule for one delivery; null when it is no longer configured.
  const DeliveryRule* rule(const std::string& event_type, const std::string& partner,
                           const std::string& product) const {
    const Route* route = cfg->findRoute(event_type);
    if (!route) return nullptr;
    for (const auto& r : route->deliveries)
      if (r.partner == partner && r.product == product) return &r;
    return nullptr;
  }

  // The channel at a chain position: "" = the partner's coupling. Null when not configured.
  Channel* channel(const std::string& partner, const std::string& fallback_name) const {
    auto it = channels.find(partner);
    if (it == channels.end()) return nullptr;
    if (fallback_name.empty()) return it->second.primary.get();
    auto f = it->second.fallback.find(fallback_name);
    return f == it->second.fallback.end() ? nullptr : f->second.get();
  }

  const ProductArtifacts* product(const std::string& partner, const std::string& product) const {
    auto it = products.find(partner + "/" + product);
    return it == products.end() ? nullptr : &it->second;
  }
};

using RuntimeConstSharedPtr = std::shared_ptr<const Runtime>;

}  // namespace hub::engine
