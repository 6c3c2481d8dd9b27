#include "hub/engine/scheduler.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/fake_channel.h"
#include "tests/unit/engine/fake_clock_random.h"
#include "tests/unit/engine/fake_store.h"

using namespace hub;
using namespace hub::engine;
using namespace hub::engine::testing;

namespace {

std::shared_ptr<Runtime> runtime(std::shared_ptr<FakeChannel> coupling,
                                 std::shared_ptr<FakeChannel> mail, int concurrency = 2) {
  auto cfg = std::make_shared<HubConfig>();
  PartnerConfig p;
  p.code = "igj";
  p.adapter = "rest-xml";
  p.concurrency = concurrency;
  p.breaker.failure_threshold = 100;
  cfg->partners["igj"] = p;
  Route route;
  route.event_type = "wzd.inbewaringstelling.genomen";
  DeliveryRule rule;
  rule.partner = "igj";
  rule.product = "melding-ibs";
  rule.fallback = {"securemail"};
  route.deliveries.push_back(rule);
  cfg->routes.push_back(route);
  ChannelConfig c;
  c.name = "securemail";
  c.deadline = Millis(3'600'000);
  c.concurrency = 1;
  cfg->engine.channels["securemail"] = c;
  auto rt = std::make_shared<Runtime>();
  rt->cfg = cfg;
  rt->channels["igj"].primary = coupling;
  rt->channels["igj"].fallback["securemail"] = mail;
  return rt;
}

DueDelivery delivery(int seq, int channel_index = 0) {
  DueDelivery d;
  d.seq = seq;
  d.delivery_id = "d-" + std::to_string(seq);
  d.partner = "igj";
  d.product = "melding-ibs";
  d.event_type = "wzd.inbewaringstelling.genomen";
  d.deadline_at = 4'000'000'000'000;
  d.signed_product = "<signed n='" + std::to_string(seq) + "'/>";
  d.channel_index = channel_index;
  d.channel = channel_index ? "securemail" : "";
  return d;
}

TEST(Scheduler, ClaimsWithinTheCapRunsAttemptsAndRecordsResults) {
  auto coupling = std::make_shared<FakeChannel>("rest-xml");
  auto mail = std::make_shared<FakeChannel>("securemail");
  FakeStore store;
  for (int i = 1; i <= 5; ++i) store.queue(store.coupling["igj"], delivery(i));
  FakeClock clock;
  FractionRandom random(1, 2);
  stats::Stats stats;
  Scheduler s(runtime(coupling, mail), store, clock, stats, 2, [&]() -> Random& { return random; });
  s.start();
  auto results = store.waitResults(5);
  s.stop();
  ASSERT_EQ(results.size(), 5u);
  for (const auto& r : results) EXPECT_EQ(r.new_state, DeliveryState::kDelivered);
  EXPECT_EQ(coupling->sent.size(), 5u);
}

TEST(Scheduler, FallbackDeliveriesGoToTheirChannelEvenWhenTheCouplingIsFull) {
  auto coupling = std::make_shared<FakeChannel>("rest-xml");
  auto mail = std::make_shared<FakeChannel>("securemail");
  FakeStore store;
  store.queue(store.fallback["securemail"], delivery(1, 1));
  store.queue(store.fallback["securemail"], delivery(2, 1));
  FakeClock clock;
  FractionRandom random(1, 2);
  stats::Stats stats;
  Scheduler s(runtime(coupling, mail, 1), store, clock, stats, 2,
              [&]() -> Random& { return random; });
  s.start();
  auto results = store.waitResults(2);
  s.stop();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.channel, "securemail");
    EXPECT_EQ(r.new_state, DeliveryState::kDelivered);
  }
  EXPECT_TRUE(coupling->sent.empty());
  EXPECT_EQ(mail->sent.size(), 2u);
}

TEST(Scheduler, APermanentErrorOnTheCouplingIsRecordedAsASwitchToTheNextChannel) {
  auto coupling = std::make_shared<FakeChannel>(
      "rest-xml", std::vector<Outcome>{Outcome::permanent("HTTP 400")});
  auto mail = std::make_shared<FakeChannel>("securemail");
  FakeStore store;
  store.queue(store.coupling["igj"], delivery(1));
  FakeClock clock;
  FractionRandom random(1, 2);
  stats::Stats stats;
  Scheduler s(runtime(coupling, mail), store, clock, stats, 1, [&]() -> Random& { return random; });
  s.start();
  auto results = store.waitResults(1);
  s.stop();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].new_state, DeliveryState::kFallback);
  EXPECT_EQ(results[0].next_channel, "securemail");
  EXPECT_EQ(results[0].channel_index, 1);
}

// Several instances: the store is told the partners' caps; while another instance holds the
// partner's circuit open, nothing goes to its coupling (fallback channels go on); once the hold
// ends, it does.
TEST(Scheduler, APartnerHeldByAnotherInstanceGetsNoAttemptUntilTheHoldEnds) {
  auto coupling = std::make_shared<FakeChannel>("rest-xml");
  auto mail = std::make_shared<FakeChannel>("securemail");
  FakeStore store;
  store.queue(store.coupling["igj"], delivery(1));
  store.queue(store.fallback["securemail"], delivery(2, 1));
  FakeClock clock;
  FractionRandom random(1, 2);
  stats::Stats stats;
  Scheduler s(runtime(coupling, mail, 3), store, clock, stats, 1,
              [&]() -> Random& { return random; });
  s.holdCircuits({{"igj", clock.nowMs() + 60'000}});
  s.start();
  EXPECT_EQ(store.caps, (std::map<std::string, int>{{"igj", 3}}));
  auto results = store.waitResults(1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].seq, 2);
  EXPECT_EQ(s.snapshot()["igj"].circuit, "open");
  EXPECT_TRUE(coupling->sent.empty());
  s.holdCircuits({});
  results = store.waitResults(2);
  s.stop();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].seq, 1);
  EXPECT_EQ(coupling->sent.size(), 1u);
}

}  // namespace
