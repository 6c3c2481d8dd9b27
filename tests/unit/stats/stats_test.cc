#include "hub/stats/stats.h"

#include <gtest/gtest.h>

#include <ctime>
#include <set>
#include <sstream>

#include "hub/stats/format.h"
#include "hub/stats/metric_catalogue.h"

namespace hub::stats {
namespace {

// The value of the one sample line that starts with `series ` (empty when absent).
std::string valueOf(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  return "";
}

TEST(FormatValue, WholeNumbersInFull) {
  EXPECT_EQ(formatValue(0), "0");
  EXPECT_EQ(formatValue(1702680000), "1702680000");
  EXPECT_EQ(formatValue(1500000), "1500000");
  EXPECT_EQ(formatValue(-42), "-42");
  EXPECT_EQ(formatValue(9007199254740992.0), "9007199254740992");
}

TEST(FormatValue, FractionsWithoutLoss) {
  EXPECT_EQ(formatValue(0.1), "0.1");
  EXPECT_EQ(formatValue(1234567.891), "1234567.891");
  EXPECT_EQ(formatValue(0.0005), "0.0005");
  EXPECT_EQ(formatValue(0.0000123), "0.0000123");
  EXPECT_EQ(formatValue(-2.5), "-2.5");
  EXPECT_EQ(formatValue(1e-9), "1e-09");
  for (double v : {1.0 / 3, 2.0 / 3 * 1e7, 123456789.123456789, 1e-9, 6.02214076e23}) {
    std::string s = formatValue(v);
    EXPECT_EQ(std::stod(s), v) << s;
  }
}

TEST(FormatValue, SpecialValuesAsTheFormatSpellsThem) {
  EXPECT_EQ(formatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(Stats, HistogramSumPastAMillionSecondsIsExact) {
  Stats s;
  s.attemptSeconds("om", "rest-xml", 1234567.25);
  s.attemptSeconds("om", "rest-xml", 0.5);
  std::string text = s.renderPrometheus();
  const std::string lbl = "{partner=\"om\",channel=\"rest-xml\"}";
  EXPECT_EQ(valueOf(text, "ketenhub_delivery_attempt_seconds_sum" + lbl), "1234567.75");
  EXPECT_EQ(valueOf(text, "ketenhub_delivery_attempt_seconds_count" + lbl), "2");
  EXPECT_EQ(valueOf(text,
                    "ketenhub_delivery_attempt_seconds_bucket{partner=\"om\",channel=\"rest-"
                    "xml\",le=\"0.5\"}"),
            "1");
  EXPECT_EQ(text.find("e+0"), std::string::npos) << text;
}

TEST(Stats, CountersPrintAsIntegers) {
  Stats s;
  s.addCounter("ketenhub_retention_purged_total", labels({{"kind", "events"}}), 12345678901ULL);
  EXPECT_EQ(valueOf(s.renderPrometheus(), "ketenhub_retention_purged_total{kind=\"events\"}"),
            "12345678901");
}

TEST(Stats, SeriesWithoutLabelsHaveNoBraces) {
  Stats s;
  s.storeCommitSeconds(0.002);
  s.setGauge("ketenhub_ready", "", 1);
  std::string text = s.renderPrometheus();
  EXPECT_EQ(valueOf(text, "ketenhub_ready"), "1");
  EXPECT_EQ(valueOf(text, "ketenhub_store_commit_seconds_count"), "1");
  EXPECT_EQ(valueOf(text, "ketenhub_store_commit_seconds_bucket{le=\"0.0025\"}"), "1");
  EXPECT_EQ(text.find("{}"), std::string::npos) << text;
}

TEST(Stats, AttemptsAndFinishesAreSeparateCounters) {
  Stats s;
  // A partner that fails twice, then accepts: three attempts, one finished delivery.
  s.deliveryAttempt("om", "rest-xml", "transient_error");
  s.deliveryAttempt("om", "rest-xml", "transient_error");
  s.deliveryAttempt("om", "rest-xml", "delivered");
  s.deliveryFinished("om", "rest-xml", "delivered");
  auto att = [&](const char* o) {
    return s.counter("ketenhub_delivery_attempts_total",
                     labels({{"partner", "om"}, {"channel", "rest-xml"}, {"outcome", o}}));
  };
  EXPECT_EQ(att("transient_error") + att("delivered"), 3u);
  EXPECT_EQ(s.counter("ketenhub_deliveries_finished_total",
                      labels({{"partner", "om"}, {"channel", "rest-xml"}, {"state", "delivered"}})),
            1u);
}

TEST(Stats, DeclaredSeriesArePresentAtZero) {
  Stats s;
  s.declareCounter(
      "ketenhub_events_received_total",
      labels({{"event_type", "wzd.inbewaringstelling.genomen"}, {"outcome", "quarantined"}}));
  s.declareHistogram("ketenhub_delivery_latency_seconds", labels({{"partner", "ciz"}}));
  std::string text = s.renderPrometheus();
  EXPECT_EQ(valueOf(text,
                    "ketenhub_events_received_total{event_type=\"wzd.inbewaringstelling.genomen\","
                    "outcome=\"quarantined\"}"),
            "0");
  EXPECT_EQ(valueOf(text, "ketenhub_delivery_latency_seconds_count{partner=\"ciz\"}"), "0");
  EXPECT_EQ(valueOf(text, "ketenhub_delivery_latency_seconds_bucket{partner=\"ciz\",le=\"+Inf\"}"),
            "0");
}

TEST(Stats, EveryFamilyHasItsCatalogueHelpAndType) {
  Stats s;
  s.eventReceived("wvggz.crisismaatregel.genomen", "accepted");
  s.deliveryAttempt("om", "rest-xml", "delivered");
  s.deliveryOutcome("om", "rest-xml", "delivered");
  s.setGauge("process_cpu_seconds_total", "", 1.25);
  s.setGauge("ketenhub_deliveries", labels({{"partner", "om"}, {"state", "dead"}}), 0);
  s.deliveryLatencySeconds("om", 0.2);
  std::string text = s.renderPrometheus();
  EXPECT_EQ(text.find("ketenhub metric"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE ketenhub_deliveries gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# HELP ketenhub_deliveries_total DEPRECATED"), std::string::npos);
  EXPECT_EQ(valueOf(text, "process_cpu_seconds_total"), "1.25");
}

TEST(Catalogue, NamesAreUniqueAndFollowTheConventions) {
  std::set<std::string_view> seen;
  for (const auto& m : metricCatalogue()) {
    EXPECT_TRUE(seen.insert(m.name).second) << m.name;
    EXPECT_FALSE(m.help.empty()) << m.name;
    EXPECT_EQ(m.help.find('\n'), std::string_view::npos) << m.name;
    bool total = m.name.size() > 6 && m.name.substr(m.name.size() - 6) == "_total";
    EXPECT_EQ(total, m.type == MetricType::kCounter) << m.name;
  }
  for (const char* name :
       {"ketenhub_delivery_attempts_total", "ketenhub_deliveries_finished_total",
        "ketenhub_deliveries", "ketenhub_build_info", "ketenhub_config_last_reload_successful",
        "ketenhub_config_last_reload_success_timestamp_seconds", "ketenhub_store_bytes",
        "ketenhub_store_commit_seconds", "ketenhub_ready", "process_resident_memory_bytes",
        "process_open_fds", "process_cpu_seconds_total", "process_start_time_seconds",
        "process_max_fds", "process_virtual_memory_bytes", "ketenhub_certificate_expiry_seconds"})
    EXPECT_NE(findMetric(name), nullptr) << name;
}

TEST(Stats, GaugeFamilyIsReplacedWhole) {
  Stats s;
  s.setGauge("ketenhub_circuit_open", labels({{"partner", "gone"}}), 1);
  s.setGaugeFamily("ketenhub_circuit_open", {{labels({{"partner", "om"}}), 0}});
  EXPECT_EQ(s.gauge("ketenhub_circuit_open", labels({{"partner", "gone"}})), -1);
  EXPECT_EQ(s.gauge("ketenhub_circuit_open", labels({{"partner", "om"}})), 0);
}

TEST(Stats, CollectorsRunAtEveryRender) {
  Stats s;
  int runs = 0;
  s.addCollector([&](Stats& st) { st.setGauge("ketenhub_store_bytes", "", ++runs * 4096.0); });
  EXPECT_EQ(valueOf(s.renderPrometheus(), "ketenhub_store_bytes"), "4096");
  EXPECT_EQ(valueOf(s.renderPrometheus(), "ketenhub_store_bytes"), "8192");
}

TEST(Stats, LabelValuesAreEscaped) {
  EXPECT_EQ(labels({{"name", "a\"b\\c\nd"}}), "name=\"a\\\"b\\\\c\\nd\"");
}

}  // namespace
}  // namespace hub::stats
