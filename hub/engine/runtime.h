#pragma once
// Runtime: one loaded configuration with everything compiled (event schemas, product
// stylesheets and schemas, signing key, one adapter per partner). Immutable once built; shared
// as std::shared_ptr<const Runtime> and swapped whole on reload. Built by hub/app/runtime_loader,
// which `run`, `config check` and `route test` share.
#include <map>
#include <memory>
#include <string>

#include "hub/config/config.h"
#include "hub/dsig/signer.h"
#include "hub/pipeline/delivery.h"
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
  std::map<std::string, std::shared_ptr<DeliveryAdapter>> adapters;  // by partner (run only)

  const ProductArtifacts* product(const std::string& partner, const std::string& product) const {
    auto it = products.find(partner + "/" + product);
    return it == products.end() ? nullptr : &it->second;
  }
};

using RuntimeConstSharedPtr = std::shared_ptr<const Runtime>;

}  // namespace hub::engine
