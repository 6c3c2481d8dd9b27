#include "hub/stats/stats.h"

#include "hub/stats/format.h"
#include "hub/stats/metric_catalogue.h"

namespace hub::stats {
namespace {

constexpr const char* kAttempts = "ketenhub_delivery_attempts_total";
constexpr const char* kFinished = "ketenhub_deliveries_finished_total";
constexpr const char* kFallbacks = "ketenhub_delivery_fallbacks_total";
constexpr const char* kDeprecatedDeliveries = "ketenhub_deliveries_total";

// HELP and TYPE of one family; a name missing from the catalogue keeps its storage's type.
void header(std::string& out, const std::string& name, std::string_view stored_as) {
  const MetricInfo* m = findMetric(name);
  std::string_view help = m ? m->help : "ketenhub metric (not in the catalogue).";
  std::string_view type = m ? typeName(m->type) : stored_as;
  out += "# HELP " + name + " ";
  out += help;
  out += "\n# TYPE " + name + " ";
  out += type;
  out += "\n";
}

// "name{labels} value" or, without labels, "name value".
void sample(std::string& out, const std::string& name, const std::string& lbl,
            const std::string& value) {
  out += name;
  if (!lbl.empty()) out += "{" + lbl + "}";
  out += " " + value + "\n";
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
    out += name + "_bucket{" + lbl + sep + "le=\"" + formatValue(bounds_[i]) + "\"} " +
           std::to_string(cum) + "\n";
  }
  cum += counts_.back();
  out += name + "_bucket{" + lbl + sep + "le=\"+Inf\"} " + std::to_string(cum) + "\n";
  sample(out, name + "_sum", lbl, formatValue(sum_));
  sample(out, name + "_count", lbl, std::to_string(count_));
}

void Stats::eventReceived(const std::string& event_type, const std::string& outcome) {
  addCounter("ketenhub_events_received_total",
             labels({{"event_type", event_type}, {"outcome", outcome}}), 1);
}

void Stats::deliveryAttempt(const std::string& partner, const std::string& channel,
                            const std::string& outcome) {
  addCounter(kAttempts, labels({{"partner", partner}, {"channel", channel}, {"outcome", outcome}}),
             1);
}

void Stats::deliveryFinished(const std::string& partner, const std::string& channel,
                             const std::string& state) {
  addCounter(kFinished, labels({{"partner", partner}, {"channel", channel}, {"state", state}}), 1);
}

void Stats::deliveryFallback(const std::string& partner, const std::string& channel) {
  addCounter(kFallbacks, labels({{"partner", partner}, {"channel", channel}}), 1);
}

void Stats::deliveryOutcome(const std::string& partner, const std::string& channel,
                            const std::string& outcome) {
  addCounter(kDeprecatedDeliveries,
             labels({{"partner", partner}, {"channel", channel}, {"outcome", outcome}}), 1);
}

Histogram& Stats::histogram(const std::string& name, const std::string& lbl) {
  return histograms_[name].try_emplace(lbl, histogramBounds(name)).first->second;
}

void Stats::attemptSeconds(const std::string& partner, const std::string& channel, double s) {
  std::lock_guard<std::mutex> lock(mu_);
  histogram("ketenhub_delivery_attempt_seconds",
            labels({{"partner", partner}, {"channel", channel}}))
      .observe(s);
}

void Stats::deliveryLatencySeconds(const std::string& partner, double s) {
  std::lock_guard<std::mutex> lock(mu_);
  histogram("ketenhub_delivery_latency_seconds", labels({{"partner", partner}})).observe(s);
}

void Stats::storeCommitSeconds(double s) {
  std::lock_guard<std::mutex> lock(mu_);
  histogram("ketenhub_store_commit_seconds", "").observe(s);
}

void Stats::declareHistogram(const std::string& name, const std::string& lbl) {
  std::lock_guard<std::mutex> lock(mu_);
  (void)histogram(name, lbl);
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

void Stats::setGaugeFamily(const std::string& name, std::map<std::string, double> series) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name] = std::move(series);
}

void Stats::addCollector(std::function<void(Stats&)> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collect));
}

uint64_t Stats::counter(const std::string& name, const std::string& lbl) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) return 0;
  auto jt = it->second.find(lbl);
  return jt == it->second.end() ? 0 : jt->second;
}

double Stats::gauge(const std::string& name, const std::string& lbl) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = gauges_.find(name);
  if (it == gauges_.end()) return -1;
  auto jt = it->second.find(lbl);
  return jt == it->second.end() ? -1 : jt->second;
}

uint64_t Stats::histogramCount(const std::string& name, const std::string& lbl) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = histograms_.find(name);
  if (it == histograms_.end()) return 0;
  auto jt = it->second.find(lbl);
  return jt == it->second.end() ? 0 : jt->second.count();
}

std::string Stats::renderPrometheus() {
  std::vector<std::function<void(Stats&)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(*this);
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, series] : counters_) {
    header(out, name, "counter");
    for (const auto& [lbl, v] : series) sample(out, name, lbl, std::to_string(v));
  }
  for (const auto& [name, series] : gauges_) {
    if (series.empty()) continue;
    header(out, name, "gauge");
    for (const auto& [lbl, v] : series) sample(out, name, lbl, formatValue(v));
  }
  for (const auto& [name, series] : histograms_) {
    header(out, name, "histogram");
    for (const auto& [lbl, h] : series) h.render(out, name, lbl);
  }
  return out;
}

}  // namespace hub::stats
