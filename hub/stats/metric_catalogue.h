#pragma once
// The catalogue of every metric family the hub exposes: its type and HELP text (and a
// histogram's buckets). The names are an interface for dashboards and alert rules: add, never
// rename; a family being replaced stays one release with "DEPRECATED" at the start of its HELP.
#include <string>
#include <string_view>
#include <vector>

namespace hub::stats {

enum class MetricType { kCounter, kGauge, kHistogram };

struct MetricInfo {
  std::string_view name;
  MetricType type;
  std::string_view help;
};

const std::vector<MetricInfo>& metricCatalogue();
// Null for a name the catalogue does not know.
const MetricInfo* findMetric(std::string_view name);
std::string_view typeName(MetricType t);
// Upper bounds of a histogram's buckets (seconds).
const std::vector<double>& histogramBounds(std::string_view name);

}  // namespace hub::stats
