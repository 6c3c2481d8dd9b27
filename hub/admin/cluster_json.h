#pragma once
// GET /api/v1/cluster: every hub instance sharing the store, as JSON (pure, tested without a
// hub): {"self", "lease_seconds", "instances": [{"id", "host", "version", "started_at",
// "heartbeat_at", "heartbeat_age_s", "state": "alive" | "stale", "in_flight", "self"}]}.
#include <boost/json/object.hpp>

#include "hub/pipeline/store.h"

namespace hub::admin {

boost::json::object clusterJson(const ClusterView& cluster);

}  // namespace hub::admin
