#include "hub/engine/metric_series.h"

#include <gtest/gtest.h>

using namespace hub;
using namespace hub::engine;

namespace {

HubConfig config() {
  HubConfig cfg;
  PartnerConfig om;
  om.code = "om";
  om.adapter = "digikoppeling-wus";
  om.channel_options["securemail"] = nullptr;
  om.channel_options["print"] = nullptr;
  PartnerConfig ciz;
  ciz.code = "ciz";
  ciz.adapter = "rest-xml";
  ciz.channel_options["print"] = nullptr;
  cfg.partners = {{"om", om}, {"ciz", ciz}};
  for (const char* n : {"securemail", "print"}) cfg.engine.channels[n].name = n;
  Route r;
  r.event_type = "wzd.inbewaringstelling.genomen";
  cfg.routes.push_back(r);
  return cfg;
}

TEST(MetricSeries, ThePlanNamesEachPartnersChannelsAndTheRoutedEventTypes) {
  SeriesPlan plan = seriesPlan(config());
  EXPECT_EQ(plan.channels["om"],
            (std::vector<std::string>{"digikoppeling-wus", "print", "securemail"}));
  EXPECT_EQ(plan.channels["ciz"], (std::vector<std::string>{"rest-xml", "print"}));
  EXPECT_EQ(plan.event_types, (std::vector<std::string>{"wzd.inbewaringstelling.genomen"}));
}

TEST(MetricSeries, EverySeriesIsDeclaredAtZero) {
  stats::Stats s;
  declareSeries(s, seriesPlan(config()));
  std::string text = s.renderPrometheus();
  for (const char* o : {"delivered", "transient_error", "permanent_error"})
    EXPECT_NE(text.find("ketenhub_delivery_attempts_total{partner=\"ciz\",channel=\"print\","
                        "outcome=\"" +
                        std::string(o) + "\"} 0\n"),
              std::string::npos)
        << o;
  for (const char* st : {"delivered", "dead"})
    EXPECT_NE(text.find("ketenhub_deliveries_finished_total{partner=\"om\",channel=\"digikoppeling-"
                        "wus\",state=\"" +
                        std::string(st) + "\"} 0\n"),
              std::string::npos)
        << st;
  EXPECT_NE(text.find("ketenhub_events_received_total{event_type=\"wzd.inbewaringstelling."
                      "genomen\",outcome=\"quarantined\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("ketenhub_delivery_fallbacks_total{partner=\"om\",channel=\"securemail\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("ketenhub_delivery_latency_seconds_count{partner=\"ciz\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("ketenhub_store_commit_seconds_count 0\n"), std::string::npos);
  // securemail is not configured for the CIZ: no series for it.
  EXPECT_EQ(text.find("partner=\"ciz\",channel=\"securemail\""), std::string::npos);
}

TEST(MetricSeries, DeclaringAgainKeepsWhatWasCounted) {
  stats::Stats s;
  declareSeries(s, seriesPlan(config()));
  s.deliveryAttempt("om", "print", "delivered");
  declareSeries(s, seriesPlan(config()));  // a reload
  EXPECT_EQ(
      s.counter("ketenhub_delivery_attempts_total",
                stats::labels({{"partner", "om"}, {"channel", "print"}, {"outcome", "delivered"}})),
      1u);
}

}  // namespace
