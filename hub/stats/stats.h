#pragma once
// Hub metrics (names are an interface, SPEC §7), kept as labelled counters and histograms and
// rendered in the Prometheus text format.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace hub::stats {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double v);
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Stats {
 public:
  void eventReceived(const std::string& event_type, const std::string& outcome);
  void deliveryOutcome(const std::string& partner, const std::string& channel,
                       const std::string& outcome);
  void attemptSeconds(const std::string& partner, const std::string& channel, double s);
  void deliveryLatencySeconds(const std::string& partner, double s);
  void addCounter(const std::string& name, const std::string& labels, uint64_t n);
  void setGauge(const std::string& name, const std::string& labels, double v);
  void clearGauge(const std::string& name);  // before re-setting a family from a snapshot
  std::string renderPrometheus() const;
  uint64_t counter(const std::string& name, const std::string& labels) const;

 private:
  mutable std::mutex mu_;                                            // guards everything below
  std::map<std::string, std::map<std::string, uint64_t>> counters_;  // name -> labels -> n
  std::map<std::string, std::map<std::string, double>> gauges_;      // name -> labels -> v
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
};

std::string labels(std::initializer_list<std::pair<const char*, std::string>> kv);

}  // namespace hub::stats
