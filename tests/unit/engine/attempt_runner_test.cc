#include "hub/engine/attempt_runner.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/fake_channel.h"
#include "tests/unit/engine/fake_clock_random.h"

using namespace hub;
using namespace hub::engine;
using namespace hub::engine::testing;

namespace {

struct Fixture {
  FakeClock clock;
  FractionRandom random{1, 1};
  stats::Stats stats;
  std::shared_ptr<FakeChannel> coupling, mail, print;
  std::shared_ptr<Runtime> rt = std::make_shared<Runtime>();

  explicit Fixture(std::vector<Outcome> coupling_script,
                   std::vector<Outcome> mail_script = {Outcome::delivered(250, "")},
                   bool with_print = true, bool notify = true) {
    auto cfg = std::make_shared<HubConfig>();
    PartnerConfig p;
    p.code = "rvr";
    p.adapter = "rest-xml";
    cfg->partners["rvr"] = p;
    Route route;
    route.event_type = "wvggz.crisismaatregel.genomen";
    DeliveryRule rule;
    rule.partner = "rvr";
    rule.product = "verzoek-aanwijzing-advocaat";
    rule.retry = RetryPolicy{Millis(1000), 2.0, Millis(8000)};
    rule.fallback = {"securemail", "print"};
    route.deliveries.push_back(rule);
    cfg->routes.push_back(route);
    for (const char* n : {"securemail", "print"}) {
      ChannelConfig c;
      c.name = n;
      c.deadline = Millis(3'600'000);
      cfg->engine.channels[n] = c;
    }
    if (notify) {
      cfg->notify.urls = {"amqp://127.0.0.1:5672"};
      cfg->notify.address = "ketenhub.status";
      cfg->notify.dead_letter_address = "ketenhub.dead";
    }
    rt->cfg = cfg;
    coupling = std::make_shared<FakeChannel>("rest-xml", coupling_script);
    mail = std::make_shared<FakeChannel>("securemail", mail_script);
    print =
        std::make_shared<FakeChannel>("print", std::vector<Outcome>{Outcome::permanent("spool")});
    rt->channels["rvr"].primary = coupling;
    rt->channels["rvr"].fallback["securemail"] = mail;
    if (with_print) rt->channels["rvr"].fallback["print"] = print;
  }

  DueDelivery delivery() const {
    DueDelivery d;
    d.seq = 7;
    d.delivery_id = "d-1";
    d.partner = "rvr";
    d.product = "verzoek-aanwijzing-advocaat";
    d.case_id = "Z-1";
    d.message_id = "m-1";
    d.event_type = "wvggz.crisismaatregel.genomen";
    d.deadline_at = clock.nowMs() + 60'000;
    d.legal_deadline_at = clock.nowMs() + 86'400'000;
    d.signed_product = "<signed/>";
    d.product_sha256 = "00ff";
    return d;
  }
};

TEST(AttemptRunner, DeliveredOnTheCouplingReusesTheStoredProductAndNotifies) {
  Fixture f({Outcome::delivered(200, "<receipt/>")});
  AttemptRunner runner(f.clock, f.stats);
  auto rep = runner.run(*f.rt, f.delivery(), f.random);
  EXPECT_EQ(rep.result.new_state, DeliveryState::kDelivered);
  EXPECT_EQ(rep.result.channel, "rest-xml");
  EXPECT_TRUE(rep.sent);
  EXPECT_TRUE(rep.result.signed_product.empty());  // already stored: not written again
  ASSERT_EQ(f.coupling->sent.size(), 1u);
  EXPECT_EQ(f.coupling->sent[0], "[rest-xml]<signed/>");
  EXPECT_EQ(f.coupling->inputs[0].process_step, "Verzoek aanwijzing advocaat");
  ASSERT_EQ(rep.result.outbox.size(), 1u);
  EXPECT_EQ(rep.result.outbox[0].address, "ketenhub.status");
  EXPECT_NE(rep.result.outbox[0].body.find("\"state\":\"delivered\""), std::string::npos);
  EXPECT_NE(rep.result.outbox[0].body.find("\"channel\":\"rest-xml\""), std::string::npos);
}

TEST(AttemptRunner, PermanentErrorSwitchesToSecureMailWithOneNotification) {
  Fixture f({Outcome::permanent("HTTP 400", 400)});
  AttemptRunner runner(f.clock, f.stats);
  auto rep = runner.run(*f.rt, f.delivery(), f.random);
  EXPECT_EQ(rep.result.new_state, DeliveryState::kFallback);
  EXPECT_EQ(rep.result.next_channel, "securemail");
  EXPECT_TRUE(rep.result.channel_switched);
  ASSERT_EQ(rep.result.outbox.size(), 1u);
  EXPECT_NE(rep.result.outbox[0].body.find("\"reason_code\":\"permanent_error\""),
            std::string::npos);
  // The fallback attempt: the same signed bytes on the mail channel.
  DueDelivery d = f.delivery();
  d.channel_index = 1;
  d.channel = "securemail";
  d.reasons = rep.result.reasons;
  d.deadline_at = rep.result.deadline_at;
  auto rep2 = runner.run(*f.rt, d, f.random);
  EXPECT_EQ(rep2.result.new_state, DeliveryState::kDelivered);
  EXPECT_EQ(rep2.result.channel, "securemail");
  EXPECT_FALSE(rep2.on_coupling);
  ASSERT_EQ(f.mail->sent.size(), 1u);
  EXPECT_EQ(f.mail->inputs[0].signed_product, f.coupling->inputs[0].signed_product);
}

TEST(AttemptRunner, EveryChannelFailingIsDeadWithEachReasonAndADeadLetter) {
  Fixture f({Outcome::permanent("HTTP 400", 400)}, {Outcome::permanent("smtp 550")});
  AttemptRunner runner(f.clock, f.stats);
  DueDelivery d = f.delivery();
  d.channel_index = 2;
  d.channel = "print";
  d.reasons = "rest-xml: permanent error: HTTP 400; securemail: permanent error: smtp 550";
  auto rep = runner.run(*f.rt, d, f.random);
  EXPECT_EQ(rep.result.new_state, DeliveryState::kDead);
  EXPECT_NE(rep.result.reasons.find("print: permanent error: spool"), std::string::npos);
  EXPECT_NE(rep.result.reasons.find("securemail: permanent error: smtp 550"), std::string::npos);
  ASSERT_EQ(rep.result.outbox.size(), 2u);
  EXPECT_EQ(rep.result.outbox[1].address, "ketenhub.dead");
  for (const auto& m : rep.result.outbox) EXPECT_EQ(m.body.find("Z-1\\n"), std::string::npos);
}

TEST(AttemptRunner, SkippedWhileTheCircuitIsOpenMovesOnWithoutSending) {
  Fixture f({Outcome::delivered(200, "")});
  AttemptRunner runner(f.clock, f.stats);
  auto rep = runner.run(*f.rt, f.delivery(), f.random, "circuit open");
  EXPECT_FALSE(rep.sent);
  EXPECT_EQ(rep.result.attempt, 0);
  EXPECT_EQ(rep.result.new_state, DeliveryState::kFallback);
  EXPECT_TRUE(f.coupling->sent.empty());
}

TEST(AttemptRunner, NoNotificationsWithoutNotifyAndNoneWhileRetrying) {
  Fixture f({Outcome::retryable("HTTP 503", 503)}, {Outcome::delivered(250, "")}, true, false);
  AttemptRunner runner(f.clock, f.stats);
  auto rep = runner.run(*f.rt, f.delivery(), f.random);
  EXPECT_EQ(rep.result.new_state, DeliveryState::kRetryWait);
  EXPECT_TRUE(rep.result.outbox.empty());
  Fixture g({Outcome::retryable("HTTP 503", 503)});
  auto rep2 = AttemptRunner(g.clock, g.stats).run(*g.rt, g.delivery(), g.random);
  EXPECT_TRUE(rep2.result.outbox.empty());
}

// What one run counts: attempts per exchange, one finish per delivery, one switch per channel
// that gave up; the deprecated ketenhub_deliveries_total keeps counting as it did.
uint64_t attempts(const stats::Stats& s, const char* channel, const char* outcome) {
  return s.counter("ketenhub_delivery_attempts_total",
                   stats::labels({{"partner", "rvr"}, {"channel", channel}, {"outcome", outcome}}));
}
uint64_t finished(const stats::Stats& s, const char* channel, const char* state) {
  return s.counter("ketenhub_deliveries_finished_total",
                   stats::labels({{"partner", "rvr"}, {"channel", channel}, {"state", state}}));
}

TEST(AttemptRunnerMetrics, TwoFailuresThenAcceptedAreThreeAttemptsAndOneFinish) {
  Fixture f({Outcome::retryable("HTTP 503", 503), Outcome::retryable("HTTP 503", 503),
             Outcome::delivered(200, "")});
  AttemptRunner runner(f.clock, f.stats);
  DueDelivery d = f.delivery();
  for (int i = 0; i < 3; ++i) {
    auto rep = runner.run(*f.rt, d, f.random);
    d.attempts = rep.result.attempt;
    d.channel_attempts += 1;
  }
  EXPECT_EQ(attempts(f.stats, "rest-xml", "transient_error"), 2u);
  EXPECT_EQ(attempts(f.stats, "rest-xml", "delivered"), 1u);
  EXPECT_EQ(finished(f.stats, "rest-xml", "delivered"), 1u);
  EXPECT_EQ(finished(f.stats, "rest-xml", "dead"), 0u);
  EXPECT_EQ(f.stats.histogramCount("ketenhub_delivery_latency_seconds",
                                   stats::labels({{"partner", "rvr"}})),
            1u);
}

TEST(AttemptRunnerMetrics, ADeadDeliveryFinishesOnceOnItsLastChannel) {
  Fixture f({Outcome::permanent("HTTP 400", 400)}, {Outcome::permanent("smtp 550")});
  AttemptRunner runner(f.clock, f.stats);
  DueDelivery d = f.delivery();
  for (int channel = 0; channel < 3; ++channel) {  // the coupling, securemail, print
    auto rep = runner.run(*f.rt, d, f.random);
    d.channel_index = rep.result.channel_index;
    d.channel = rep.result.next_channel;
    d.reasons = rep.result.reasons;
    d.deadline_at = rep.result.deadline_at;
  }
  for (const char* ch : {"rest-xml", "securemail", "print"})
    EXPECT_EQ(attempts(f.stats, ch, "permanent_error"), 1u) << ch;
  EXPECT_EQ(finished(f.stats, "print", "dead"), 1u);
  uint64_t all_finished = 0;
  for (const char* ch : {"rest-xml", "securemail", "print"})
    for (const char* st : {"delivered", "dead"}) all_finished += finished(f.stats, ch, st);
  EXPECT_EQ(all_finished, 1u);
  auto switches = [&](const char* ch) {
    return f.stats.counter("ketenhub_delivery_fallbacks_total",
                           stats::labels({{"partner", "rvr"}, {"channel", ch}}));
  };
  EXPECT_EQ(switches("rest-xml"), 1u);
  EXPECT_EQ(switches("securemail"), 1u);
  EXPECT_EQ(switches("print"), 0u);
  // The deprecated counter, unchanged: three attempt outcomes, two switches, one extra "dead".
  EXPECT_EQ(f.stats.counter(
                "ketenhub_deliveries_total",
                stats::labels({{"partner", "rvr"}, {"channel", "print"}, {"outcome", "dead"}})),
            1u);
}

TEST(AttemptRunnerMetrics, ASkippedAttemptIsNotCounted) {
  Fixture f({Outcome::delivered(200, "")});
  AttemptRunner runner(f.clock, f.stats);
  (void)runner.run(*f.rt, f.delivery(), f.random, "circuit open");
  for (const char* o : {"delivered", "transient_error", "permanent_error"})
    EXPECT_EQ(attempts(f.stats, "rest-xml", o), 0u);
  EXPECT_EQ(f.stats.counter("ketenhub_delivery_fallbacks_total",
                            stats::labels({{"partner", "rvr"}, {"channel", "rest-xml"}})),
            1u);
}

}  // namespace
