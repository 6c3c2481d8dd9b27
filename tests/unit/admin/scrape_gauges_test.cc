#include "hub/admin/scrape_gauges.h"

#include <gtest/gtest.h>

#include "hub/stats/stats.h"

using namespace hub;
using namespace hub::admin;
using hub::stats::labels;

namespace {

StateCount count(const char* partner, const char* state, int64_t n, int64_t oldest = 0,
                 int64_t past_half = 0, int64_t within = 0) {
  StateCount c;
  c.partner = partner;
  c.state = state;
  c.count = n;
  c.oldest_created_at = oldest;
  c.past_half_legal = past_half;
  c.within_legal = within;
  return c;
}

TEST(ScrapeGauges, EveryConfiguredPartnerHasEveryStateAtZero) {
  auto g = deliveryGauges({}, {"om", "ciz"}, 1'000'000);
  for (const char* p : {"om", "ciz"}) {
    for (const char* st : {"pending", "in_flight", "retry_wait", "fallback", "delivered", "dead"})
      EXPECT_EQ(g["ketenhub_deliveries"].at(labels({{"partner", p}, {"state", st}})), 0) << st;
    EXPECT_EQ(g["ketenhub_deliveries_pending"].size(), 8u);
    EXPECT_EQ(g["ketenhub_oldest_pending_age_seconds"].at(labels({{"partner", p}})), 0);
    EXPECT_EQ(g["ketenhub_deliveries_past_half_legal_deadline"].at(labels({{"partner", p}})), 0);
    EXPECT_EQ(g["ketenhub_deliveries_dead_within_legal_deadline"].at(labels({{"partner", p}})), 0);
  }
}

TEST(ScrapeGauges, CountsFromTheStore) {
  std::vector<StateCount> counts = {
      count("om", "pending", 3, 400'000, 1), count("om", "retry_wait", 2, 100'000, 2),
      count("om", "delivered", 10, 50'000, 0), count("om", "dead", 4, 10'000, 3, 2),
      count("gone", "dead", 1, 5'000, 0, 0)};
  auto g = deliveryGauges(counts, {"om"}, 1'000'000);
  auto all = [&](const char* p, const char* st) {
    return g["ketenhub_deliveries"].at(labels({{"partner", p}, {"state", st}}));
  };
  EXPECT_EQ(all("om", "pending"), 3);
  EXPECT_EQ(all("om", "delivered"), 10);
  EXPECT_EQ(all("om", "dead"), 4);
  EXPECT_EQ(all("gone", "dead"), 1);  // no longer configured, still in the store
  EXPECT_EQ(g["ketenhub_deliveries_pending"].count(labels({{"partner", "om"}, {"state", "dead"}})),
            0u);
  EXPECT_EQ(
      g["ketenhub_deliveries_pending"].at(labels({{"partner", "om"}, {"state", "retry_wait"}})), 2);
  // The oldest not-final delivery (the delivered and dead ones do not wait).
  EXPECT_EQ(g["ketenhub_oldest_pending_age_seconds"].at(labels({{"partner", "om"}})), 900);
  EXPECT_EQ(g["ketenhub_deliveries_past_half_legal_deadline"].at(labels({{"partner", "om"}})), 6);
  EXPECT_EQ(g["ketenhub_deliveries_dead_within_legal_deadline"].at(labels({{"partner", "om"}})), 2);
}

}  // namespace
