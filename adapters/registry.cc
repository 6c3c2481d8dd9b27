#include "adapters/registry.h"

#include <string>

#include "adapters/digikoppeling_wus/wus_adapter.h"
#include "adapters/rest_xml/rest_xml_adapter.h"
#include "hub/core/error_codes.h"

namespace hub::adapters {

const std::vector<AdapterEntry>& adapterTable() {
  static const std::vector<AdapterEntry> table = {
      {"rest-xml", &RestXmlAdapter::create},
      {"digikoppeling-wus", &WusAdapter::create},
  };
  return table;
}

bool isKnownAdapter(std::string_view name) {
  for (const auto& entry : adapterTable()) {
    if (name == entry.name) return true;
  }
  return false;
}

Result<std::unique_ptr<DeliveryAdapter>> createAdapter(const PartnerConfig& cfg) {
  for (const auto& entry : adapterTable()) {
    if (cfg.adapter == entry.name) return entry.create(cfg);
  }
  std::string known;
  for (const auto& entry : adapterTable()) {
    if (!known.empty()) known += ", ";
    known += entry.name;
  }
  return unexpected(errc::kConfig, "partner '" + cfg.code + "': unknown adapter '" + cfg.adapter +
                                       "' (known: " + known + ")");
}

}  // namespace hub::adapters
