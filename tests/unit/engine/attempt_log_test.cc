#include "hub/engine/attempt_log.h"

#include <gtest/gtest.h>

namespace hub::engine {
namespace {

TEST(ReasonCode, FromTheReasonsCategory) {
  EXPECT_EQ(reasonCode(Outcome::retryable("HTTP 503", 503)), "http_503");
  EXPECT_EQ(reasonCode(Outcome::permanent("HTTP 400", 400)), "http_400");
  EXPECT_EQ(reasonCode(Outcome::retryable("tls: certificate revoked")), "tls");
  EXPECT_EQ(reasonCode(Outcome::retryable("connect: refused")), "connect");
  EXPECT_EQ(reasonCode(Outcome::retryable("timeout")), "timeout");
  EXPECT_EQ(reasonCode(Outcome::retryable("wus: soap fault DK0051 (server)", 500)), "wus");
  EXPECT_EQ(reasonCode(Outcome::retryable("print spool: disk full")), "print");
  EXPECT_EQ(reasonCode(Outcome::retryable("Something else")), "other");
  EXPECT_EQ(reasonCode(Outcome::retryable("")), "other");
  EXPECT_EQ(reasonCode(Outcome::retryable("abc123")), "other");
}

}  // namespace
}  // namespace hub::engine
