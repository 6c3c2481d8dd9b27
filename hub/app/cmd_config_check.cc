// ketenhub config check --config hub.yaml: loads everything `run` loads, starts nothing. When a
// route falls back to print, it also loads the letter renderer module, which `run` leaves to the
// first letter: a module that cannot be loaded shows here, not at 3 a.m.
#include <algorithm>
#include <iostream>

#include "hub/app/commands.h"
#include "hub/app/exit_status.h"
#include "hub/app/runtime_loader.h"
#include "hub/pdf_loader/pdf_loader.h"

namespace hub::app {
namespace {

bool printsLetters(const HubConfig& cfg) {
  for (const auto& r : cfg.routes)
    for (const auto& d : r.deliveries)
      if (std::find(d.fallback.begin(), d.fallback.end(), "print") != d.fallback.end()) return true;
  return false;
}

}  // namespace

int configCheckMain(const std::string& config_file) {
  RuntimeLoad load = loadRuntime(config_file);
  for (const auto& w : load.warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& e : load.errors) std::cerr << "error: " << e << "\n";
  if (!load.runtime)
    return fail("config check failed with " + std::to_string(load.errors.size()) + " error(s)");
  const auto& cfg = *load.runtime->cfg;
  if (printsLetters(cfg)) {
    if (auto module = pdf_loader::loadModule(); !module) {
      std::cerr << "error: " << module.error().message << "\n";
      return fail("config check failed with 1 error(s)");
    }
  }
  size_t deliveries = 0;
  for (const auto& r : cfg.routes) deliveries += r.deliveries.size();
  std::cout << "config ok: " << cfg.partners.size() << " partners, " << cfg.routes.size()
            << " event types, " << deliveries << " deliveries, " << load.runtime->products.size()
            << " products compiled, " << load.warnings.size() << " warning(s)\n";
  return 0;
}

}  // namespace hub::app
