// The cluster view of the admin side: GET /api/v1/cluster's JSON, the ketenhub_cluster_instances
// gauge and the status command's cluster table, from a store's ClusterView.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hub/admin/cluster_json.h"
#include "hub/admin/scrape_gauges.h"
#include "hub/admin/status_table.h"
#include "hub/stats/stats.h"

using namespace hub;
using namespace hub::admin;
using hub::stats::labels;

namespace {

ClusterView twoInstances() {
  ClusterView v;
  v.self = "hub-a/10";
  v.lease_ms = 15'000;
  v.instances.push_back(
      {"hub-a/10", "hub-a", "0.9.0", 1'764'000'000'000, 1'764'000'100'000, 1'500, true, 3, true});
  v.instances.push_back({"hub-b/20", "hub-b", "0.9.0", 1'764'000'000'000, 1'764'000'050'000, 51'900,
                         false, 2, false});
  return v;
}

TEST(ClusterView, JsonNamesEveryInstanceWithItsHeartbeat) {
  auto o = clusterJson(twoInstances());
  EXPECT_EQ(o.at("self").as_string(), "hub-a/10");
  EXPECT_EQ(o.at("lease_seconds").as_int64(), 15);
  const auto& list = o.at("instances").as_array();
  ASSERT_EQ(list.size(), 2u);
  const auto& a = list[0].as_object();
  EXPECT_EQ(a.at("id").as_string(), "hub-a/10");
  EXPECT_EQ(a.at("host").as_string(), "hub-a");
  EXPECT_EQ(a.at("version").as_string(), "0.9.0");
  EXPECT_EQ(a.at("started_at").as_string(), "2025-11-24T16:00:00.000Z");
  EXPECT_EQ(a.at("heartbeat_at").as_string(), "2025-11-24T16:01:40.000Z");
  EXPECT_EQ(a.at("heartbeat_age_s").as_int64(), 1);
  EXPECT_EQ(a.at("state").as_string(), "alive");
  EXPECT_EQ(a.at("in_flight").as_int64(), 3);
  EXPECT_TRUE(a.at("self").as_bool());
  const auto& b = list[1].as_object();
  EXPECT_EQ(b.at("state").as_string(), "stale");
  EXPECT_EQ(b.at("heartbeat_age_s").as_int64(), 51);
  EXPECT_FALSE(b.at("self").as_bool());
}

TEST(ClusterView, GaugeCountsAliveAndStaleBothAlwaysThere) {
  auto g = clusterGauges(twoInstances());
  EXPECT_EQ(g.at(labels({{"state", "alive"}})), 1);
  EXPECT_EQ(g.at(labels({{"state", "stale"}})), 1);
  auto none = clusterGauges(ClusterView{});
  ASSERT_EQ(none.size(), 2u);
  EXPECT_EQ(none.at(labels({{"state", "alive"}})), 0);
  EXPECT_EQ(none.at(labels({{"state", "stale"}})), 0);
}

TEST(ClusterView, TableOneLinePerInstanceThisOneMarked) {
  std::string t = clusterTable(boost::json::value(clusterJson(twoInstances())), false);
  EXPECT_EQ(t,
            "INSTANCE    STATE  HEARTBEAT AGE  IN FLIGHT  HOST   VERSION\n"
            "hub-a/10 *  alive            1 s          3  hub-a  0.9.0\n"
            "hub-b/20    stale           51 s          2  hub-b  0.9.0\n");
  EXPECT_EQ(clusterTable(boost::json::parse("{}"), false), "no instances\n");
  std::string coloured = clusterTable(boost::json::value(clusterJson(twoInstances())), true);
  EXPECT_NE(coloured.find("\x1b[31;1mstale"), std::string::npos);
}

}  // namespace
