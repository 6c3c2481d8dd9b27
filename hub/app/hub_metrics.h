#pragma once
// The metrics `run` wires up beside the engine's own counters: build info, the process figures
// and the store's size (read at scrape), and the outcome of the last configuration load, which
// also declares at 0 every series the loaded configuration implies (engine/metric_series.h).
#include <cstdint>
#include <string>

#include "hub/config/config.h"
#include "hub/stats/stats.h"

namespace hub::app {

// Once at start: ketenhub_build_info, process_*, ketenhub_store_bytes (of sqlite_path).
void registerHubMetrics(stats::Stats& stats, const std::string& sqlite_path);
// A configuration was loaded (at start or by a reload) at now_ms.
void configLoaded(stats::Stats& stats, const HubConfig& cfg, int64_t now_ms);
// A reload was refused: the previous configuration still runs.
void configRefused(stats::Stats& stats);

}  // namespace hub::app
