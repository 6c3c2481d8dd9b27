#pragma once
// Checks across the whole route set, run by the loader after every file is read.
#include <string>

#include "hub/config/config.h"
#include "hub/config/diagnostics.h"

namespace hub::config {

// Each delivery's operational deadline plus its fallback chain's deadlines must fit inside its
// legal deadline counted from a field: `after` (with a zone: its shortest, a day of 23 hours
// included). `until: end_of_day` can leave almost nothing (a decision at 23:59): a chain longer
// than a whole day is refused, a shorter one is a warning naming the latest decision time it
// fits. Deadlines at a field's own value (`at`) are not checked here.
void checkLegalDeadlines(const HubConfig& cfg, Diagnostics& diag);

// A delivered_before condition must name a partner/product that some route delivers.
void checkPriorDeliveries(const HubConfig& cfg, Diagnostics& diag);

// routes/required.yaml: per event type, the partners the law requires a delivery to. A route
// set that misses one (or only has it under a condition) is refused.
void checkRequiredRecipients(const std::string& file, const std::string& shown,
                             const HubConfig& cfg, Diagnostics& diag);

}  // namespace hub::config
