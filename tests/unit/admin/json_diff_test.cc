#include "hub/admin/json_diff.h"

#include <gtest/gtest.h>

namespace hub::admin {
namespace {

TEST(JsonDiff, NamesThePlacesNeverTheValues) {
  auto d = changedPointers(R"({"a":{"naam":"Jansen","x":1},"l":[1,2],"k~/":0})",
                           R"({"a":{"naam":"Janssen","x":1},"l":[1],"n":true,"k~/":0})");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (std::vector<std::string>{"/a/naam", "/l/1", "/n"}));
  for (const auto& p : *d) EXPECT_EQ(p.find("Jans"), std::string::npos);
}

TEST(JsonDiff, EscapesKeysAndBoundsTheList) {
  auto d = changedPointers(R"({"a/b~c":1})", R"({"a/b~c":2})");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (std::vector<std::string>{"/a~1b~0c"}));
  auto many = changedPointers("[1,2,3,4]", "[5,6,7,8]", 2);
  ASSERT_TRUE(many);
  EXPECT_EQ(many->back(), "/...");
  EXPECT_FALSE(changedPointers("{", "{}"));
}

}  // namespace
}  // namespace hub::admin
