#pragma once
// The metric series a configuration implies, declared at 0 when it starts running (at start and
// after each reload): every configured partner x channel x outcome or final state, every routed
// event type x intake outcome. A counter that appears only with its first event is invisible to
// increase() and rate(); declared at 0, the first quarantine or dead delivery shows.
#include <map>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/stats/stats.h"

namespace hub::engine {

struct SeriesPlan {
  // By partner: its coupling (the adapter) first, then the fallback channels configured both
  // hub-wide (engine.channels) and for the partner.
  std::map<std::string, std::vector<std::string>> channels;
  std::vector<std::string> event_types;  // of the routes
};

SeriesPlan seriesPlan(const HubConfig& cfg);
void declareSeries(stats::Stats& stats, const SeriesPlan& plan);

// Label values the series are declared with.
inline const std::vector<std::string>& attemptOutcomes() {
  static const std::vector<std::string> k = {"delivered", "transient_error", "permanent_error"};
  return k;
}
inline const std::vector<std::string>& finalStates() {
  static const std::vector<std::string> k = {"delivered", "dead"};
  return k;
}
inline const std::vector<std::string>& intakeOutcomes() {
  static const std::vector<std::string> k = {"accepted", "duplicate", "quarantined"};
  return k;
}

}  // namespace hub::engine
