#include "hub/stats/stats.h"

#include <cmath>
#include <cstdint>
#include <sstream>

namespace hub::stats {
namespace {
const std::vector<double>& latencyBounds() {
  static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,
                                        2.5,   5,    10,    30,   60,  300,  1800, 14400};
  return b;
}
std::string num(double v) {
  // Whole numbers in full: a timestamp in seconds must not become 1.70268e+09.
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  std::ostringstream os;
  os << v;
  return os.str();
}
const char* help(const std::string& name) {
  if (name == "ketenhub_events_received_total") return "Events received, by outcome.";
  if (name == "ketenhub_deliveries_total") return "Delivery attempt outcomes.";
  if (name == "ketenhub_delivery_attempt_seconds") return "Duration of one delivery attempt.";
  if (name == "ketenhub_delivery_latency_seconds") return "Intake to final state.";
  if (name == "ketenhub_retention_purged_total") return "Payloads purged by retention, by kind.";
  if (name == "ketenhub_retention_failures_total") return "Retention purge runs that failed.";
  if (name == "ketenhub_retention_last_success_timestamp_seconds")
    return "When a retention purge run last succeeded (unix seconds).";
  return "ketenhub metric.";
}
}  // namespace

std::string labels(std::initializer_list<std::pair<const char*, std::string>> kv) {
  std::string s;
  for (const auto& [k, v] : kv) {
    if (!s.empty()) s += ',';
    s += k;
    s += "=\"";
    for (char c : v) {
      if (c == '"' || c == '\\') s += '\\';
      if (c == '\n') {
        s += "\\n";
        continue;
      }
      s += c;
    }
    s += '"';
  }
  return s;
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& lbl) const {
  uint64_t cum = 0;
  std::string sep = lbl.empty() ? "" : ",";
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cum += counts_[i];
    out += name + "_bucket{" + lbl + sep + "le=\"" + num(bounds_[i]) + "\"} " +
           std::to_string(cum) + "\n";
  }
  cum += counts_.back();
  out += name + "_bucket{" + lbl + sep + "le=\"+Inf\"} " + std::to_string(cum) + "\n";
  out += name + "_sum{" + lbl + "} " + num(sum_) + "\n";
  out += name + "_count{" + lbl + "} " + std::to_string(count_) + "\n";
}

void Stats::eventReceived(const std::string& event_type, const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_["ketenhub_events_received_total"]
             [labels({{"event_type", event_type}, {"outcome", outcome}})];
}

void Stats::deliveryOutcome(const std::string& partner, const std::string& channel,
                            const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_["ketenhub_deliveries_total"]
             [labels({{"partner", partner}, {"channel", channel}, {"outcome", outcome}})];
}

void Stats::attemptSeconds(const std::string& partner, const std::string& channel, double s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& m = histograms_["ketenhub_delivery_attempt_seconds"];
  auto key = labels({{"partner", partner}, {"channel", channel}});
  m.try_emplace(key, latencyBounds()).first->second.observe(s);
}

void Stats::deliveryLatencySeconds(const std::string& partner, double s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& m = histograms_["ketenhub_delivery_latency_seconds"];
  m.try_emplace(labels({{"partner", partner}}), latencyBounds()).first->second.observe(s);
}

void Stats::addCounter(const std::string& name, const std::string& lbl, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_[name][lbl] += n;
}

void Stats::setGauge(const std::string& name, const std::string& lbl, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name][lbl] = v;
}

void Stats::clearGauge(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.erase(name);
}

uint64_t Stats::counter(const std::string& name, const std::string& lbl) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto jt = it->second.find(lbl);
  return jt == it->second.end() ? 0 : jt->second;
}

std::string Stats::renderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, series] : counters_) {
    out += "# HELP " + name + " " + help(name) + "\n# TYPE " + name + " counter\n";
    for (const auto& [lbl, v] : series) out += name + "{" + lbl + "} " + std::to_string(v) + "\n";
  }
  for (const auto& [name, series] : gauges_) {
    out += "# HELP " + name + " " + help(name) + "\n# TYPE " + name + " gauge\n";
    for (const auto& [lbl, v] : series) out += name + "{" + lbl + "} " + num(v) + "\n";
  }
  for (const auto& [name, series] : histograms_) {
    out += "# HELP " + name + " " + help(name) + "\n# TYPE " + name + " histogram\n";
    for (const auto& [lbl, h] : series) h.render(out, name, lbl);
  }
  return out;
}

}  // namespace hub::stats
