#include "hub/engine/outbox_relay.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "tests/unit/engine/fake_clock_random.h"
#include "tests/unit/engine/fake_store.h"

using namespace hub;
using namespace hub::engine;
using namespace hub::engine::testing;

namespace {

// Accepts or refuses by a script per message id; records every publish.
class FakePublisher final : public Publisher {
 public:
  void publish(const std::string& address, std::string id, std::string body,
               std::function<void(bool)> done) override {
    bool ok;
    {
      std::lock_guard<std::mutex> lock(mu);
      published.push_back(address + " " + id + " " + body);
      int& left = refuse_first[id];
      ok = left <= 0;
      if (left > 0) --left;
    }
    done(ok);
  }
  std::mutex mu;
  std::vector<std::string> published;
  std::map<std::string, int> refuse_first;  // id -> how many publishes to refuse
};

TEST(OutboxRelay, MarksSentOnlyWhatThePeerAcceptedAndPublishesTheRestAgain) {
  FakeStore store;
  store.addOutbox({1, {"ketenhub.status", "notification", "{\"n\":1}"}});
  store.addOutbox({2, {"ketenhub.dead", "dead_letter", "{\"n\":2}"}});
  FakePublisher pub;
  pub.refuse_first["ketenhub-outbox-2"] = 2;  // a broker outage: refused twice, then accepted
  FakeClock clock;
  OutboxRelay relay(store, pub, clock);
  relay.start();
  auto sent = store.waitSent(2);
  relay.stop();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], 1);
  EXPECT_EQ(sent[1], 2);
  std::lock_guard<std::mutex> lock(pub.mu);
  // Message 1 once (accepted at once); message 2 three times (twice refused), its id stable.
  int ones = 0, twos = 0;
  for (const auto& p : pub.published) {
    if (p == "ketenhub.status ketenhub-outbox-1 {\"n\":1}") ++ones;
    if (p == "ketenhub.dead ketenhub-outbox-2 {\"n\":2}") ++twos;
  }
  EXPECT_EQ(ones, 1);
  EXPECT_EQ(twos, 3);
}

}  // namespace
