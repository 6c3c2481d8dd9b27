// ketenhub config check --config hub.yaml: loads everything `run` loads, starts nothing.
#include <iostream>

#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/app/runtime_loader.h"

namespace hub::app {

int configCheckMain(const std::string& config_file) {
  RuntimeLoad load = loadRuntime(config_file);
  for (const auto& w : load.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : load.errors) std::cerr << "error: " << e << "\n";
  if (!load.runtime)
    return fail("config check failed with " + std::to_string(load.errors.size()) + " error(s)");
  const auto& cfg = *load.runtime->cfg;
  size_t deliveries = 0;
  for (const auto& r : cfg.routes) deliveries += r.deliveries.size();
  std::cout << "config ok: " << cfg.partners.size() << " partners, " << cfg.routes.size()
            << " event types, " << deliveries << " deliveries, " << load.runtime->products.size()
            << " products compiled, " << load.warnings.size() << " warning(s)\n";
  return 0;
}

}  // namespace hub::app
