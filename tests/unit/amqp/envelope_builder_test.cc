// Pure conversion Proton message -> Envelope (no sockets).
#include "adapters/amqp/envelope_builder.h"

#include <gtest/gtest.h>

#include <map>
#include <proton/binary.hpp>
#include <proton/types.hpp>
#include <proton/uuid.hpp>
#include <proton/value.hpp>

namespace hub::amqp {
namespace {

TEST(EnvelopeBuilder, MessageIdForms) {
  EXPECT_EQ(messageIdToString(proton::message_id()), "");
  EXPECT_EQ(messageIdToString(proton::message_id(std::string("abc"))), "abc");
  EXPECT_EQ(messageIdToString(proton::message_id(uint64_t(7))), "7");
  EXPECT_EQ(messageIdToString(proton::message_id(proton::binary(std::string("\x01\xab", 2)))),
            "01ab");
  proton::uuid u = proton::uuid::random();
  EXPECT_EQ(messageIdToString(proton::message_id(u)), u.str());
}

TEST(EnvelopeBuilder, BodiesAndOversize) {
  proton::message m;
  m.body(proton::binary(std::string("12345")));
  EXPECT_EQ(bodyBytes(m), "12345");
  m.body(std::string("text"));
  EXPECT_EQ(bodyBytes(m), "text");
  m.body(proton::value(
      std::map<std::string, int>{{"a", 1}}));  // not bytes: rendered, later quarantined
  EXPECT_FALSE(bodyBytes(m).empty());

  m.body(proton::binary(std::string(10, 'x')));
  Envelope env = buildEnvelope(m, EnvelopeContext{"src", "peer", 123, 9});
  EXPECT_TRUE(env.oversize);
  EXPECT_EQ(env.oversize_bytes, 10u);
  EXPECT_TRUE(env.body.empty());
  EXPECT_EQ(env.source, "src");
  EXPECT_EQ(env.peer, "peer");
  EXPECT_EQ(env.received_at_ms, 123);
  env = buildEnvelope(m, EnvelopeContext{"src", "peer", 123, 10});
  EXPECT_FALSE(env.oversize);
  EXPECT_EQ(env.body.size(), 10u);
}

TEST(EnvelopeBuilder, MissingPropertiesAreEmpty) {
  proton::message m;
  m.properties().put("event-type", proton::symbol("sym.type"));
  Envelope env = buildEnvelope(m, EnvelopeContext{});
  EXPECT_EQ(env.event_type, "sym.type");
  EXPECT_TRUE(env.case_id.empty());
  EXPECT_TRUE(env.actor.empty());
  EXPECT_TRUE(env.message_id.empty());
}

}  // namespace
}  // namespace hub::amqp
