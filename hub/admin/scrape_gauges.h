#pragma once
// The delivery gauges read from the store at scrape (pure: from the store's state counts, the
// configured partners and the time). Each family comes out complete: every configured partner
// has every series, 0 when it has no such delivery, so alerts and dashboards see a value
// rather than nothing; a partner no longer configured keeps its series while the store holds
// deliveries for it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/pipeline/store.h"

namespace hub::admin {

// By family name (ketenhub_deliveries, ketenhub_deliveries_pending,
// ketenhub_oldest_pending_age_seconds, ketenhub_deliveries_past_half_legal_deadline,
// ketenhub_deliveries_dead_within_legal_deadline): labels -> value.
using GaugeFamilies = std::map<std::string, std::map<std::string, double>>;

GaugeFamilies deliveryGauges(const std::vector<StateCount>& counts,
                             const std::vector<std::string>& partners, int64_t now_ms);

// ketenhub_cluster_instances: the instances sharing the store by state (alive, stale), both
// series always there (0 when none).
std::map<std::string, double> clusterGauges(const ClusterView& cluster);

}  // namespace hub::admin
