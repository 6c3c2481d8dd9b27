#include "adapters/amqp/amqp_url.h"

#include <gtest/gtest.h>

namespace hub::amqp {
namespace {

TEST(AmqpUrl, ParsesForms) {
  auto a = parseHostPort("amqp://127.0.0.1:5673");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->scheme, "amqp");
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "5673");
  auto b = parseHostPort("amqps://user@[::1]/path");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "5671");
  auto c = parseHostPort("localhost:0");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "localhost");
  EXPECT_EQ(c->port, "0");
  EXPECT_FALSE(parseHostPort("http://x:1").has_value());
}

}  // namespace
}  // namespace hub::amqp
