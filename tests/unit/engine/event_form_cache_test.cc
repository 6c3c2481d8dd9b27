#include "hub/engine/event_form_cache.h"

#include <gtest/gtest.h>

namespace hub::engine {
namespace {

std::shared_ptr<const std::string> form(size_t n, char c = 'x') {
  return std::make_shared<const std::string>(n, c);
}

TEST(EventFormCache, ServesWhatWasPut) {
  EventFormCache c(1000, 60000);
  c.put("m1", form(10, 'a'), 0);
  auto f = c.get("m1", 5);
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, std::string(10, 'a'));
  EXPECT_FALSE(c.get("m2", 5));
}

TEST(EventFormCache, OldestGoFirstPastTheByteBound) {
  EventFormCache c(250, 60000);
  c.put("m1", form(100), 0);
  c.put("m2", form(100), 1);
  c.put("m3", form(100), 2);  // 300 > 250: m1 goes
  EXPECT_FALSE(c.get("m1", 3));
  EXPECT_TRUE(c.get("m2", 3));
  EXPECT_TRUE(c.get("m3", 3));
  EXPECT_EQ(c.bytes(), 200u);
}

TEST(EventFormCache, NothingServedPastItsAge) {
  EventFormCache c(1000, 100);
  c.put("m1", form(10), 0);
  EXPECT_TRUE(c.get("m1", 100));
  EXPECT_FALSE(c.get("m1", 101));
}

TEST(EventFormCache, ALaterPutReplacesAndKeepsTheBytesRight) {
  EventFormCache c(250, 60000);
  c.put("m1", form(100, 'a'), 0);
  c.put("m1", form(50, 'b'), 1);  // a corrected event under the same message-id
  EXPECT_EQ(*c.get("m1", 2), std::string(50, 'b'));
  EXPECT_EQ(c.bytes(), 50u);
  c.put("m2", form(100), 2);
  c.put("m3", form(100), 3);  // 250: everything fits; the stale place of m1 is skipped
  EXPECT_TRUE(c.get("m1", 4));
  c.put("m4", form(100), 4);  // 350: m1 (its newer place) goes first, then still 300: m2
  EXPECT_FALSE(c.get("m1", 5));
  EXPECT_FALSE(c.get("m2", 5));
  EXPECT_TRUE(c.get("m3", 5));
  EXPECT_TRUE(c.get("m4", 5));
  EXPECT_EQ(c.bytes(), 200u);
}

TEST(EventFormCache, AFormLargerThanTheBoundIsNotKept) {
  EventFormCache c(100, 60000);
  c.put("big", form(101), 0);
  EXPECT_FALSE(c.get("big", 0));
  EXPECT_EQ(c.bytes(), 0u);
}

}  // namespace
}  // namespace hub::engine
