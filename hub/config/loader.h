#pragma once
// Loads hub.yaml, routes/partners.yaml and routes/*.yaml into one immutable HubConfig.
// Every error is collected (file:line:col, key path, message); nothing is loaded half.
// Artifacts (XSLT, XSD, keys, certificates) are checked by hub/app/runtime_loader, which
// `run` and `config check` share.
#include <string>
#include <vector>

#include "hub/config/channel_schema.h"
#include "hub/config/config.h"
#include "hub/config/diagnostics.h"

namespace hub::config {

struct LoadOptions {
  std::vector<std::string> known_adapters;  // from adapters/registry (primary channels)
  std::vector<ChannelSchema> channels;      // from adapters/registry: every channel's options
};

// Returns nullptr when diag has errors.
HubConfigConstSharedPtr loadConfig(const std::string& hub_yaml, const LoadOptions& opts,
                                   Diagnostics& diag);

// Internal steps (one file each), exposed for tests.
void loadPartners(const std::string& file, const std::string& shown, const std::string& base_dir,
                  const LoadOptions& opts, HubConfig& cfg, Diagnostics& diag);
void loadRoutes(const std::string& file, const std::string& shown, const LoadOptions& opts,
                HubConfig& cfg, Diagnostics& diag);

// Resolves a path relative to base_dir (absolute paths unchanged).
std::string resolvePath(const std::string& base_dir, const std::string& p);

}  // namespace hub::config
