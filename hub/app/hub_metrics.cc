#include "hub/app/hub_metrics.h"

#include "hub/app/version.h"
#include "hub/engine/metric_series.h"
#include "hub/stats/process_metrics.h"
#include "hub/store/store_size.h"

namespace hub::app {

void registerHubMetrics(stats::Stats& stats, const std::string& sqlite_path) {
  stats.setGauge("ketenhub_build_info",
                 stats::labels({{"version", std::string(versionNumber())},
                                {"commit", std::string(gitCommit())}}),
                 1);
  stats::registerProcessMetrics(stats);
  // The SQLite file's size (a PostgreSQL store is measured by the database's own monitoring).
  if (!sqlite_path.empty()) {
    stats.addCollector([sqlite_path](stats::Stats& s) {
      s.setGauge("ketenhub_store_bytes", "", static_cast<double>(store::storeBytes(sqlite_path)));
    });
  }
  stats.setGauge("ketenhub_config_last_reload_successful", "", 0);
  stats.setGauge("ketenhub_config_last_reload_success_timestamp_seconds", "", 0);
}

void configLoaded(stats::Stats& stats, const HubConfig& cfg, int64_t now_ms) {
  engine::declareSeries(stats, engine::seriesPlan(cfg));
  stats.setGauge("ketenhub_config_last_reload_successful", "", 1);
  // Whole seconds, as Prometheus' own config_last_reload_success_timestamp_seconds.
  stats.setGauge("ketenhub_config_last_reload_success_timestamp_seconds", "",
                 static_cast<double>(now_ms / 1000));
}

void configRefused(stats::Stats& stats) {
  stats.setGauge("ketenhub_config_last_reload_successful", "", 0);
}

}  // namespace hub::app
