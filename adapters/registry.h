#pragma once
// THE table of delivery adapters (SPEC §5). Explicit, in one place: no static self-registration.
// An adapter = options (PartnerConfig) + a factory that validates once + a runtime object.
#include <memory>
#include <string_view>
#include <vector>

#include "hub/config/config.h"
#include "hub/core/result.h"
#include "hub/pipeline/delivery.h"

namespace hub::adapters {

struct AdapterEntry {
  const char* name;  // the value of `adapter:` in routes/partners.yaml
  Result<std::unique_ptr<DeliveryAdapter>> (*create)(const PartnerConfig&);
};

const std::vector<AdapterEntry>& adapterTable();

// Builds the adapter named by cfg.adapter; an unknown name is a config error that lists the
// known ones.
Result<std::unique_ptr<DeliveryAdapter>> createAdapter(const PartnerConfig& cfg);

bool isKnownAdapter(std::string_view name);

}  // namespace hub::adapters
