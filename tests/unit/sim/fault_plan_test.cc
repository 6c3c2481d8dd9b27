#include "tools/partner_sim/fault_plan.h"

#include <gtest/gtest.h>

namespace hub::sim {
namespace {

TEST(FaultPlan, NoFaultsByDefault) {
  FaultDecision d = decideFault({}, 0, 0.0);
  EXPECT_EQ(d.status, 0);
  EXPECT_FALSE(d.retry_after);
}

TEST(FaultPlan, StatusAnswersEveryRequest) {
  FaultOptions o;
  o.status = 400;
  for (uint64_t i : {0, 1, 1000}) {
    FaultDecision d = decideFault(o, i, 0.99);
    EXPECT_EQ(d.status, 400);
    EXPECT_FALSE(d.retry_after);
  }
  o.status = 503;
  EXPECT_TRUE(decideFault(o, 0, 0.5).retry_after);
  o.status = 429;
  EXPECT_TRUE(decideFault(o, 0, 0.5).retry_after);
  o.status = 500;
  EXPECT_FALSE(decideFault(o, 0, 0.5).retry_after);
}

TEST(FaultPlan, FailFirstCountsRequests) {
  FaultOptions o;
  o.fail_first = 2;
  EXPECT_EQ(decideFault(o, 0, 0.5).status, 503);
  EXPECT_TRUE(decideFault(o, 1, 0.5).retry_after);
  EXPECT_EQ(decideFault(o, 2, 0.5).status, 0);
}

TEST(FaultPlan, FailRateUsesTheDice) {
  FaultOptions o;
  o.fail_rate = 0.25;
  EXPECT_EQ(decideFault(o, 0, 0.1).status, 503);
  EXPECT_EQ(decideFault(o, 0, 0.25).status, 0);
  EXPECT_EQ(decideFault(o, 0, 0.9).status, 0);
  o.fail_rate = 1.0;
  EXPECT_EQ(decideFault(o, 0, 0.999).status, 503);
}

TEST(FaultPlan, StatusWinsOverFailFirst) {
  FaultOptions o;
  o.status = 404;
  o.fail_first = 5;
  EXPECT_EQ(decideFault(o, 0, 0.0).status, 404);
}

}  // namespace
}  // namespace hub::sim
