#include "hub/admin/scrape_gauges.h"

#include <set>

#include "hub/core/delivery_state.h"
#include "hub/stats/stats.h"

namespace hub::admin {

GaugeFamilies deliveryGauges(const std::vector<StateCount>& counts,
                             const std::vector<std::string>& partners, int64_t now_ms) {
  using stats::labels;
  constexpr DeliveryState kAll[] = {DeliveryState::kPending,   DeliveryState::kInFlight,
                                    DeliveryState::kRetryWait, DeliveryState::kFallback,
                                    DeliveryState::kDelivered, DeliveryState::kDead};
  GaugeFamilies g;
  auto& all = g["ketenhub_deliveries"];
  auto& pending = g["ketenhub_deliveries_pending"];
  auto& oldest_age = g["ketenhub_oldest_pending_age_seconds"];
  auto& past_half = g["ketenhub_deliveries_past_half_legal_deadline"];
  auto& dead_in_time = g["ketenhub_deliveries_dead_within_legal_deadline"];
  std::set<std::string> codes(partners.begin(), partners.end());
  for (const auto& c : counts) codes.insert(c.partner);
  for (const auto& p : codes) {
    for (DeliveryState s : kAll) {
      std::string lbl = labels({{"partner", p}, {"state", std::string(stateName(s))}});
      all[lbl] = 0;
      if (!isFinal(s)) pending[lbl] = 0;
    }
    oldest_age[labels({{"partner", p}})] = 0;
    past_half[labels({{"partner", p}})] = 0;
    dead_in_time[labels({{"partner", p}})] = 0;
  }
  std::map<std::string, int64_t> oldest;  // partner -> created_at of its oldest waiting delivery
  for (const auto& c : counts) {
    std::string lbl = labels({{"partner", c.partner}, {"state", c.state}});
    std::string p = labels({{"partner", c.partner}});
    all[lbl] += static_cast<double>(c.count);
    // Legal deadlines keep counting across channels and after death: only delivery ends them.
    if (c.state != "delivered") past_half[p] += static_cast<double>(c.past_half_legal);
    // The loudest signal: every channel failed while the law still gives time to act.
    if (c.state == "dead") dead_in_time[p] += static_cast<double>(c.within_legal);
    if (c.state == "delivered" || c.state == "dead") continue;
    pending[lbl] += static_cast<double>(c.count);
    auto& o = oldest[c.partner];
    if (o == 0 || c.oldest_created_at < o) o = c.oldest_created_at;
  }
  for (const auto& [p, at] : oldest)
    if (at > 0) oldest_age[labels({{"partner", p}})] = static_cast<double>(now_ms - at) / 1000.0;
  return g;
}

std::map<std::string, double> clusterGauges(const ClusterView& cluster) {
  std::map<std::string, double> g{{stats::labels({{"state", "alive"}}), 0},
                                  {stats::labels({{"state", "stale"}}), 0}};
  for (const auto& i : cluster.instances)
    g[stats::labels({{"state", i.alive ? "alive" : "stale"}})] += 1;
  return g;
}

}  // namespace hub::admin
