// ListenIntake over real sockets on 127.0.0.1 (port 0) with a Proton client sender.
#include "adapters/amqp/listen_intake.h"

#include <gtest/gtest.h>

#include <proton/uuid.hpp>
#include <set>

#include "tests/unit/amqp/amqp_test_util.h"

namespace hub::amqp {
namespace {

using test::eventMessage;
using test::FakeSink;
using test::TestSender;
using namespace std::chrono_literals;

constexpr auto kQuiet = 300ms;  // "nothing happens" window for negative checks

struct Fixture {
  explicit Fixture(int window = 10, uint64_t max_bytes = 1024 * 1024) {
    src.name = "test-listen";
    src.url = "amqp://127.0.0.1:0";
    src.address = "wvggz.events";
    cfg.credit_window = window;
    cfg.max_message_bytes = max_bytes;
    intake = std::make_unique<ListenIntake>(src, cfg, sink, 20ms);
    auto r = intake->start();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  }
  std::string url() const { return "amqp://127.0.0.1:" + std::to_string(intake->boundPort()); }

  ListenSource src;
  IntakeConfig cfg;
  FakeSink sink;
  std::unique_ptr<ListenIntake> intake;
};

TEST(ListenIntake, BindsPortZeroAndReportsListening) {
  Fixture f;
  EXPECT_GT(f.intake->boundPort(), 0);
  EXPECT_TRUE(f.intake->connected());
  EXPECT_EQ(f.intake->name(), "test-listen");
  f.intake->stop();
  EXPECT_FALSE(f.intake->connected());
  f.intake->stop();  // idempotent
}

TEST(ListenIntake, PortInUseIsAnError) {
  Fixture f;
  FakeSink sink;
  ListenSource src = f.src;
  src.url = "amqp://127.0.0.1:" + std::to_string(f.intake->boundPort());
  ListenIntake second(src, f.cfg, sink);
  auto r = second.start();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "io");
}

TEST(ListenIntake, PropertiesLandInEnvelope) {
  Fixture f;
  TestSender s(f.url(), f.src.address);
  proton::message m1 = eventMessage(std::string("msg-1"), "{\"zaaknummer\":\"Z-1\"}");
  m1.correlation_id(std::string("corr-7"));
  m1.properties().put("occurred-at", "2025-01-02T03:04:05Z");
  s.send(m1);
  proton::uuid u = proton::uuid::random();
  proton::message m2;
  m2.id(u);
  m2.content_type("application/xml");
  m2.properties().put("event-type", "wzd.inbewaringstelling.genomen");
  m2.properties().put("case-id", "Z-2");
  m2.properties().put("actor", "a");
  m2.body(std::string("<event/>"));  // AMQP string value body
  s.send(m2);
  proton::message m3 = eventMessage(uint64_t(42), "x");
  m3.inferred(false);  // binary as an amqp-value section
  s.send(m3);
  ASSERT_TRUE(f.sink.waitForCount(3));

  Envelope e1 = f.sink.envelope(0);
  EXPECT_EQ(e1.message_id, "msg-1");
  EXPECT_EQ(e1.content_type, "application/json");
  EXPECT_EQ(e1.correlation_id, "corr-7");
  EXPECT_EQ(e1.event_type, "wvggz.crisismaatregel.genomen");
  EXPECT_EQ(e1.case_id, "Z-1");
  EXPECT_EQ(e1.actor, "burgemeester:0344:test");
  EXPECT_EQ(e1.occurred_at, "2025-01-02T03:04:05Z");
  EXPECT_EQ(e1.body, "{\"zaaknummer\":\"Z-1\"}");
  EXPECT_EQ(e1.source, "test-listen");
  EXPECT_FALSE(e1.peer.empty());
  EXPECT_GT(e1.received_at_ms, 0);
  EXPECT_FALSE(e1.oversize);

  Envelope e2 = f.sink.envelope(1);
  EXPECT_EQ(e2.message_id, u.str());
  EXPECT_EQ(e2.content_type, "application/xml");
  EXPECT_EQ(e2.body, "<event/>");
  EXPECT_EQ(e2.case_id, "Z-2");
  EXPECT_TRUE(e2.correlation_id.empty());
  EXPECT_TRUE(e2.occurred_at.empty());

  Envelope e3 = f.sink.envelope(2);
  EXPECT_EQ(e3.message_id, "42");
  EXPECT_EQ(e3.body, "x");
  for (size_t i = 0; i < 3; ++i) f.sink.complete(i, true);
  EXPECT_TRUE(s.waitSettled(3));
  EXPECT_EQ(s.accepted(), 3);
}

TEST(ListenIntake, AcceptsOnlyAfterCommit) {
  Fixture f;
  TestSender s(f.url(), f.src.address);
  s.send(eventMessage(std::string("m-1"), "{}"));
  ASSERT_TRUE(f.sink.waitForCount(1));
  EXPECT_FALSE(s.waitSettled(1, kQuiet)) << "settled before the store committed";
  EXPECT_EQ(s.settled(), 0);
  f.sink.complete(0, true);
  ASSERT_TRUE(s.waitSettled(1));
  EXPECT_EQ(s.accepted(), 1);
}

TEST(ListenIntake, FailedCommitLeavesUnsettledAndWithholdsCreditUntilReady) {
  Fixture f(/*window=*/2);
  TestSender s(f.url(), f.src.address);
  for (int i = 0; i < 3; ++i) s.send(eventMessage("m-" + std::to_string(i), "{}"));
  ASSERT_TRUE(f.sink.waitForCount(2));  // the window: two granted, the third waits for credit
  EXPECT_FALSE(f.sink.waitForCount(3, kQuiet));
  f.sink.setReady(false);
  f.sink.complete(0, false);
  f.sink.complete(1, false);
  EXPECT_FALSE(f.sink.waitForCount(3, kQuiet)) << "credit granted while the store is not ready";
  EXPECT_EQ(s.settled(), 0) << "a failed commit must not settle";
  EXPECT_EQ(s.sent(), 2);
  f.sink.setReady(true);
  ASSERT_TRUE(f.sink.waitForCount(3)) << "credit did not resume after ready()";
  f.sink.complete(2, true);
  ASSERT_TRUE(s.waitSettled(1));
  EXPECT_EQ(s.accepted(), 1);
  EXPECT_FALSE(s.waitSettled(2, kQuiet)) << "the failed deliveries stay unsettled";
}

TEST(ListenIntake, OversizeBodyIsFlagged) {
  Fixture f(/*window=*/10, /*max_bytes=*/16);
  TestSender s(f.url(), f.src.address);
  s.send(eventMessage(std::string("big"), std::string(100, 'a')));
  s.send(eventMessage(std::string("small"), std::string(16, 'a')));
  ASSERT_TRUE(f.sink.waitForCount(2));
  Envelope big = f.sink.envelope(0);
  EXPECT_TRUE(big.oversize);
  EXPECT_EQ(big.oversize_bytes, 100u);
  EXPECT_TRUE(big.body.empty());
  EXPECT_EQ(big.message_id, "big");
  Envelope small = f.sink.envelope(1);
  EXPECT_FALSE(small.oversize);
  EXPECT_EQ(small.body.size(), 16u);
}

// The listener announces a max-frame-size (kIntakeMaxFrameBytes): a larger message comes split
// over several transfer frames and arrives whole, byte for byte.
TEST(ListenIntake, MessageLargerThanAFrameArrivesWhole) {
  Fixture f(/*window=*/10, /*max_bytes=*/1024 * 1024);
  std::string body(5 * kIntakeMaxFrameBytes / 2, 'x');
  for (size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
  TestSender s(f.url(), f.src.address);
  s.send(eventMessage(std::string("large"), body));
  s.send(eventMessage(std::string("after"), std::string(16, 'a')));
  ASSERT_TRUE(f.sink.waitForCount(2));
  Envelope large = f.sink.envelope(0);
  EXPECT_FALSE(large.oversize);
  EXPECT_EQ(large.message_id, "large");
  EXPECT_TRUE(large.body == body) << "received " << large.body.size() << " of " << body.size();
  EXPECT_EQ(f.sink.envelope(1).message_id, "after");
}

TEST(ListenIntake, RefusesOtherAddresses) {
  Fixture f;
  TestSender s(f.url(), "not.configured");
  ASSERT_TRUE(s.waitError());
  EXPECT_NE(s.error().find("amqp:not-found"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("wvggz.events"), std::string::npos) << s.error();
  EXPECT_EQ(f.sink.count(), 0u);
}

TEST(ListenIntake, ThousandMessagesWindowHundredAllAcceptedOnce) {
  Fixture f(/*window=*/100);
  f.sink.setAutoCommit(true);
  TestSender s(f.url(), f.src.address);
  constexpr int kN = 1000;
  for (int i = 0; i < kN; ++i) s.send(eventMessage("id-" + std::to_string(i), "{}"));
  ASSERT_TRUE(s.waitSettled(kN, 60s));
  EXPECT_EQ(s.accepted(), kN);
  f.sink.setAutoCommit(false);
  ASSERT_EQ(f.sink.count(), static_cast<size_t>(kN));
  std::set<std::string> ids;
  for (int i = 0; i < kN; ++i) ids.insert(f.sink.envelope(i).message_id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kN));
  EXPECT_LE(f.sink.maxOutstanding(), 100);
}

TEST(ListenIntake, StopWithPendingMessagesNeitherCrashesNorHangs) {
  Fixture f;
  TestSender s(f.url(), f.src.address);
  for (int i = 0; i < 5; ++i) s.send(eventMessage("p-" + std::to_string(i), "{}"));
  ASSERT_TRUE(f.sink.waitForCount(5));
  f.sink.complete(0, true);  // may or may not be accepted before stop: both fine
  f.intake->stop();
  for (size_t i = 1; i < 5; ++i) f.sink.complete(i, i % 2 == 0);  // late callbacks are no-ops
  EXPECT_TRUE(s.waitClosed());
  EXPECT_LE(s.accepted(), 1);
  f.intake.reset();
}

TEST(ListenIntake, LateCallbackAfterPeerDisconnectIsIgnored) {
  Fixture f;
  {
    TestSender s(f.url(), f.src.address);
    s.send(eventMessage(std::string("gone"), "{}"));
    ASSERT_TRUE(f.sink.waitForCount(1));
    s.close();
  }
  // The intake notices the disconnect; a later commit must not touch the dead connection.
  for (int i = 0; i < 500 && f.intake->openConnections() > 0; ++i)
    std::this_thread::sleep_for(10ms);  // polling a state, not timing logic
  f.sink.complete(0, true);
  TestSender s2(f.url(), f.src.address);
  s2.send(eventMessage(std::string("next"), "{}"));
  ASSERT_TRUE(f.sink.waitForCount(2));
  f.sink.complete(1, true);
  EXPECT_TRUE(s2.waitSettled(1));
}

}  // namespace
}  // namespace hub::amqp
