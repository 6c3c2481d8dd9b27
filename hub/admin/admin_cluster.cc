// The cluster view of the admin API: every instance sharing the store with its heartbeat (the
// store's `instances`, hub/store/sql_store_instances.cc).
#include <boost/json.hpp>

#include "hub/admin/admin_server.h"
#include "hub/admin/cluster_json.h"
#include "hub/core/time_format.h"
#include "hub/core/time_source.h"

namespace hub::admin {

boost::json::object clusterJson(const ClusterView& cluster) {
  boost::json::array instances;
  for (const auto& i : cluster.instances)
    instances.push_back(boost::json::object{{"id", i.id},
                                            {"host", i.host},
                                            {"version", i.version},
                                            {"started_at", formatRfc3339Utc(i.started_at)},
                                            {"heartbeat_at", formatRfc3339Utc(i.heartbeat_at)},
                                            {"heartbeat_age_s", i.heartbeat_age_ms / 1000},
                                            {"state", i.alive ? "alive" : "stale"},
                                            {"in_flight", i.in_flight},
                                            {"self", i.self}});
  return boost::json::object{{"self", cluster.self},
                             {"lease_seconds", cluster.lease_ms / 1000},
                             {"instances", std::move(instances)}};
}

HttpResponse AdminServer::cluster() {
  auto c = ctx_.store.instances(SystemTimeSource().nowMs());
  if (!c) return jsonError(503, "store: " + c.error().message);
  return json(200, boost::json::serialize(clusterJson(*c)));
}

}  // namespace hub::admin
