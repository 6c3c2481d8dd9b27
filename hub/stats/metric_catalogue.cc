#include "hub/stats/metric_catalogue.h"

namespace hub::stats {

const std::vector<MetricInfo>& metricCatalogue() {
  using T = MetricType;
  static const std::vector<MetricInfo> k = {
      // Intake.
      {"ketenhub_events_received_total", T::kCounter,
       "Workflow events received, by event type and outcome (accepted, duplicate, quarantined)."},
      {"ketenhub_intake_connected", T::kGauge,
       "1 when the intake source is connected (connect mode) or listening (listen mode), else 0."},
      // Deliveries: what happens.
      {"ketenhub_delivery_attempts_total", T::kCounter,
       "Delivery attempts, by partner, channel (the partner's coupling: rest-xml or "
       "digikoppeling-wus; a fallback: securemail, print) and outcome (delivered, "
       "transient_error, permanent_error)."},
      {"ketenhub_deliveries_finished_total", T::kCounter,
       "Deliveries that reached a final state, one per delivery: by partner, the channel it ended "
       "on and state (delivered, dead)."},
      {"ketenhub_delivery_fallbacks_total", T::kCounter,
       "Channel switches: a channel gave up on a delivery and the next channel of its fallback "
       "chain took it over, by partner and the channel that gave up."},
      {"ketenhub_deliveries_total", T::kCounter,
       "DEPRECATED, removed in the next release: use ketenhub_delivery_attempts_total and "
       "ketenhub_deliveries_finished_total. Attempt outcomes, plus one outcome=\"fallback\" per "
       "channel switch and one outcome=\"dead\" per dead delivery (sum() counts those twice)."},
      {"ketenhub_delivery_attempt_seconds", T::kHistogram,
       "Duration of one delivery attempt (the exchange with the channel), by partner and "
       "channel."},
      {"ketenhub_delivery_latency_seconds", T::kHistogram,
       "Intake to final state (delivered or dead), by partner."},
      // Deliveries: where they stand (read from the store at scrape).
      {"ketenhub_deliveries", T::kGauge,
       "Deliveries in the store, by partner and state (pending, in_flight, retry_wait, fallback, "
       "delivered, dead)."},
      {"ketenhub_deliveries_pending", T::kGauge,
       "Deliveries not yet final, by partner and state (pending, in_flight, retry_wait, "
       "fallback)."},
      {"ketenhub_oldest_pending_age_seconds", T::kGauge,
       "Age of the oldest delivery not yet final, by partner (0 when none waits)."},
      {"ketenhub_deliveries_past_half_legal_deadline", T::kGauge,
       "Deliveries not delivered that have used more than half of their legal deadline, by "
       "partner."},
      {"ketenhub_deliveries_dead_within_legal_deadline", T::kGauge,
       "Dead deliveries whose legal deadline has not passed yet (there is still time to act), by "
       "partner."},
      {"ketenhub_circuit_open", T::kGauge,
       "1 when the partner's circuit breaker is open or half-open, 0 when closed."},
      // Certificates.
      {"ketenhub_certificate_expiry_timestamp_seconds", T::kGauge,
       "When a certificate the hub uses expires (unix seconds), by configuration name (signing, "
       "partners.<code>.client, partners.<code>.ca)."},
      {"ketenhub_certificate_expiry_seconds", T::kGauge,
       "Seconds until a certificate expires (negative once expired), by subject and role: the "
       "hub's own (signing, client, server, ca) and partner server certificates seen in "
       "handshakes."},
      // The hub itself.
      {"ketenhub_ready", T::kGauge,
       "1 when the hub is ready (GET /readyz answers 200: store and audit trail writable, every "
       "intake source connected), else 0."},
      {"ketenhub_cluster_instances", T::kGauge,
       "Hub instances sharing the store, by state: alive (heartbeat within 2 x "
       "store.postgres.lease_seconds) or stale (stopped heartbeating; its row goes after a day). "
       "One instance on its own store counts itself alive."},
      {"ketenhub_build_info", T::kGauge,
       "Always 1; the labels name the version and the git commit the binary was built from."},
      {"ketenhub_config_last_reload_successful", T::kGauge,
       "1 when the last configuration load (start, SIGHUP or POST /api/v1/reload) succeeded, 0 "
       "when it was refused (the previous configuration still runs)."},
      {"ketenhub_config_last_reload_success_timestamp_seconds", T::kGauge,
       "When the configuration was last loaded successfully (unix seconds)."},
      {"ketenhub_store_bytes", T::kGauge,
       "Size of the store on disk: the SQLite database file plus its write-ahead log."},
      {"ketenhub_store_commit_seconds", T::kHistogram,
       "Duration of one group commit of the store: the batch's transaction from BEGIN to COMMIT, "
       "the audit records and the fsync included."},
      {"ketenhub_retention_purged_total", T::kCounter, "Payloads purged by retention, by kind."},
      {"ketenhub_retention_failures_total", T::kCounter, "Retention purge runs that failed."},
      {"ketenhub_retention_last_success_timestamp_seconds", T::kGauge,
       "When a retention purge run last succeeded (unix seconds)."},
      // The process, read from /proc at scrape (the names Prometheus client libraries use).
      {"process_cpu_seconds_total", T::kCounter, "Total user and system CPU time in seconds."},
      {"process_start_time_seconds", T::kGauge,
       "Start time of the process since the unix epoch in seconds."},
      {"process_resident_memory_bytes", T::kGauge, "Resident memory size in bytes."},
      {"process_virtual_memory_bytes", T::kGauge, "Virtual memory size in bytes."},
      {"process_open_fds", T::kGauge, "Number of open file descriptors."},
      {"process_max_fds", T::kGauge, "Maximum number of open file descriptors (soft limit)."},
  };
  return k;
}

const MetricInfo* findMetric(std::string_view name) {
  for (const auto& m : metricCatalogue())
    if (m.name == name) return &m;
  return nullptr;
}

std::string_view typeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

const std::vector<double>& histogramBounds(std::string_view name) {
  // Attempts and end-to-end latency: milliseconds (a partner answering) to hours (a fallback
  // chain running to its deadline).
  static const std::vector<double> latency = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,
                                              2.5,   5,    10,    30,   60,  300,  1800, 14400};
  // A group commit: an fsync takes about a millisecond; a checkpoint inside it much longer.
  static const std::vector<double> commit = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return name == "ketenhub_store_commit_seconds" ? commit : latency;
}

}  // namespace hub::stats
