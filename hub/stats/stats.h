#pragma once
// Hub metrics (their names are an interface), kept as labelled counters, gauges and histograms
// and rendered in the Prometheus text format. Every family's type and HELP text come from the
// catalogue (metric_catalogue.h); values are written exactly (format.h).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hub::stats {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double v);
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Label values of one series, escaped for the text format: labels({{"partner", "om"}}).
std::string labels(std::initializer_list<std::pair<const char*, std::string>> kv);

class Stats {
 public:
  // Intake: one per event by outcome (accepted, duplicate, quarantined).
  void eventReceived(const std::string& event_type, const std::string& outcome);
  // One per attempt on a channel (the partner's coupling or a fallback channel), by outcome
  // (delivered, transient_error, permanent_error).
  void deliveryAttempt(const std::string& partner, const std::string& channel,
                       const std::string& outcome);
  // One per delivery reaching a final state (delivered, dead), on the channel it ended on.
  void deliveryFinished(const std::string& partner, const std::string& channel,
                        const std::string& state);
  // One per channel that gave up and handed the delivery to the next one (or to dead).
  void deliveryFallback(const std::string& partner, const std::string& channel);
  // The deprecated ketenhub_deliveries_total (attempt outcomes plus one "fallback" per channel
  // switch and one "dead" per dead delivery), kept as it was for one release.
  void deliveryOutcome(const std::string& partner, const std::string& channel,
                       const std::string& outcome);
  void attemptSeconds(const std::string& partner, const std::string& channel, double s);
  void deliveryLatencySeconds(const std::string& partner, double s);
  void storeCommitSeconds(double s);

  void addCounter(const std::string& name, const std::string& labels, uint64_t n);
  // A series present at 0 before its first event, so that increase() sees the first one.
  void declareCounter(const std::string& name, const std::string& labels) {
    addCounter(name, labels, 0);
  }
  void declareHistogram(const std::string& name, const std::string& labels);
  void setGauge(const std::string& name, const std::string& labels, double v);
  void clearGauge(const std::string& name);  // before re-setting a family from a snapshot
  // Replaces a whole gauge family at once (a scrape never sees it half refreshed).
  void setGaugeFamily(const std::string& name, std::map<std::string, double> series);

  // Collectors run at every render, before it, outside the registry's lock: they refresh
  // gauges read at scrape (process figures from /proc, file sizes).
  void addCollector(std::function<void(Stats&)> collect);
  std::string renderPrometheus();

  uint64_t counter(const std::string& name, const std::string& labels) const;
  // -1 when the series does not exist.
  double gauge(const std::string& name, const std::string& labels) const;
  uint64_t histogramCount(const std::string& name, const std::string& labels) const;

 private:
  Histogram& histogram(const std::string& name, const std::string& labels);  // mu_ held

  mutable std::mutex mu_;                                            // guards everything below
  std::map<std::string, std::map<std::string, uint64_t>> counters_;  // name -> labels -> n
  std::map<std::string, std::map<std::string, double>> gauges_;      // name -> labels -> v
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
  std::vector<std::function<void(Stats&)>> collectors_;
};

}  // namespace hub::stats
