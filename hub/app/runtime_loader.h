#pragma once
// Loads everything `run` needs — configuration, event schemas, product stylesheets and schemas,
// the signing key, certificates and one adapter per partner — exactly as `run` does, so that
// `config check` and `route test` can never disagree with production.
#include <string>
#include <vector>

#include "hub/engine/runtime.h"

namespace hub::app {

struct RuntimeLoad {
  engine::RuntimeConstSharedPtr runtime;  // null when errors is not empty
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

// The configuration alone (no schemas, keys or certificates), with every channel's options
// schema: for commands that only need paths from it.
Result<HubConfigConstSharedPtr> loadConfigOnly(const std::string& hub_yaml,
                                               std::vector<std::string>& errors);

// for_run: also the audit trail's person key (created when missing); `config check` only checks
// a key that exists.
RuntimeLoad loadRuntime(const std::string& hub_yaml, bool for_run = false);

}  // namespace hub::app
