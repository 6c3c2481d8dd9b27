#include "hub/engine/metric_series.h"

namespace hub::engine {

SeriesPlan seriesPlan(const HubConfig& cfg) {
  SeriesPlan plan;
  for (const auto& [code, p] : cfg.partners) {
    auto& channels = plan.channels[code];
    channels.push_back(p.adapter);
    for (const auto& [name, c] : cfg.engine.channels)
      if (p.channel_options.count(name)) channels.push_back(name);
  }
  for (const auto& r : cfg.routes) plan.event_types.push_back(r.event_type);
  return plan;
}

void declareSeries(stats::Stats& stats, const SeriesPlan& plan) {
  using stats::labels;
  for (const auto& [partner, channels] : plan.channels) {
    for (const auto& ch : channels) {
      for (const auto& o : attemptOutcomes())
        stats.declareCounter("ketenhub_delivery_attempts_total",
                             labels({{"partner", partner}, {"channel", ch}, {"outcome", o}}));
      for (const auto& s : finalStates())
        stats.declareCounter("ketenhub_deliveries_finished_total",
                             labels({{"partner", partner}, {"channel", ch}, {"state", s}}));
      stats.declareCounter("ketenhub_delivery_fallbacks_total",
                           labels({{"partner", partner}, {"channel", ch}}));
      stats.declareHistogram("ketenhub_delivery_attempt_seconds",
                             labels({{"partner", partner}, {"channel", ch}}));
    }
    stats.declareHistogram("ketenhub_delivery_latency_seconds", labels({{"partner", partner}}));
  }
  for (const auto& t : plan.event_types)
    for (const auto& o : intakeOutcomes())
      stats.declareCounter("ketenhub_events_received_total",
                           labels({{"event_type", t}, {"outcome", o}}));
  // Events of a type no route knows (always quarantined) count under one label value.
  stats.declareCounter("ketenhub_events_received_total",
                       labels({{"event_type", "other"}, {"outcome", "quarantined"}}));
  stats.declareHistogram("ketenhub_store_commit_seconds", "");
}

}  // namespace hub::engine
