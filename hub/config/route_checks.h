#pragma once
// Checks across the whole route set, run by the loader after every file is read.
#include <string>

#include "hub/config/config.h"
#include "hub/config/diagnostics.h"

namespace hub::config {

// Each delivery's operational deadline plus its fallback chain's deadlines must fit inside its
// fixed legal deadline (SPEC §2). Deadlines counted to a field's value (the measure's end) are
// checked per event at intake.
void checkLegalDeadlines(const HubConfig& cfg, Diagnostics& diag);

// routes/required.yaml: per event type, the partners the law requires a delivery to. A route
// set that misses one (or only has it under a condition) is refused.
void checkRequiredRecipients(const std::string& file, const std::string& shown,
                             const HubConfig& cfg, Diagnostics& diag);

}  // namespace hub::config
