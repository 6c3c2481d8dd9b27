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

RuntimeLoad loadRuntime(const std::string& hub_yaml);

}  // namespace hub::app
