#include <gtest/gtest.h>

#include "hub/config/diagnostics.h"
#include "hub/config/yaml_reader.h"

using hub::Millis;
using hub::config::parseDuration;

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parseDuration("500ms"), Millis(500));
  EXPECT_EQ(parseDuration("30s"), Millis(30000));
  EXPECT_EQ(parseDuration("5m"), Millis(300000));
  EXPECT_EQ(parseDuration("4h"), Millis(14400000));
  EXPECT_EQ(parseDuration("14d"), Millis(14LL * 86400000));
}

TEST(Duration, RejectsMissingOrUnknownUnits) {
  EXPECT_FALSE(parseDuration("30"));
  EXPECT_FALSE(parseDuration("30 minutes"));
  EXPECT_FALSE(parseDuration("m"));
  EXPECT_FALSE(parseDuration("-5s"));
  EXPECT_FALSE(parseDuration(""));
}

TEST(Closest, SuggestsWithinTwoEdits) {
  EXPECT_EQ(hub::config::closest("omm", {"om", "igj"}), "om");
  EXPECT_EQ(hub::config::closest("stroe", {"store", "signing"}), "store");
  EXPECT_EQ(hub::config::closest("completely", {"om", "igj"}), "");
}
