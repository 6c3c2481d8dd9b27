#include "tools/partner_sim/partner_sim.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/log/log.h"

namespace hub::sim {
namespace {

class FakeChecker : public BodyChecker {
 public:
  Result<CheckedBody> check(std::string_view body, const DeliveryHeaders&) const override {
    ++calls;
    if (body.find("bad-signature") != std::string_view::npos) {
      return unexpected(errc::kVerify, "signature: digest mismatch");
    }
    return CheckedBody{true, "00000099000000000001"};
  }
  bool needsProduct() const override { return needs_product; }
  mutable int calls = 0;
  bool needs_product = false;
};

class FakeSink : public Sink {
 public:
  Result<void> store(const ReceivedRecord& r, std::string_view body) override {
    if (fail) return unexpected(errc::kIo, "disk full");
    records.push_back(r);
    bodies.emplace_back(body);
    return {};
  }
  std::vector<ReceivedRecord> records;
  std::vector<std::string> bodies;
  bool fail = false;
};

class PartnerSimTest : public ::testing::Test {
 protected:
  void SetUp() override { hub::log::setMinLevel(hub::log::Level::kError); }

  PartnerSim make(FaultOptions faults = {}) {
    PartnerSimDeps deps;
    deps.checker = &checker_;
    deps.sink = &sink_;
    deps.random01 = [this] { return dice_; };
    deps.sleep = [this](std::chrono::milliseconds ms) { slept_ += ms; };
    deps.now = [] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    };
    return PartnerSim("om", faults, std::move(deps));
  }

  static SimRequest delivery(std::string id = "d-1", std::string body = "<doc/>") {
    SimRequest r;
    r.method = "POST";
    r.target = "/deliver";
    r.headers = {{"content-type", "application/xml; charset=utf-8"},
                 {"x-message-id", std::move(id)},
                 {"x-case-id", "Z-1"},
                 {"x-event-type", "ev"},
                 {"x-product", "prod"}};
    r.body = std::move(body);
    return r;
  }

  static std::string header(const SimResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  FakeChecker checker_;
  FakeSink sink_;
  double dice_ = 0.5;
  std::chrono::milliseconds slept_{0};
  PeerInfo peer_{"CN=ketenhub test client", "00000099000000000001"};
};

TEST_F(PartnerSimTest, AcceptsAndStoresAValidDelivery) {
  PartnerSim sim = make();
  SimResponse r = sim.handle(delivery(), peer_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/xml; charset=utf-8");
  EXPECT_NE(r.body.find("<deliveryId>d-1</deliveryId>"), std::string::npos);
  ASSERT_EQ(sink_.records.size(), 1u);
  const ReceivedRecord& rec = sink_.records[0];
  EXPECT_EQ(rec.delivery_id, "d-1");
  EXPECT_EQ(rec.product, "prod");
  EXPECT_EQ(rec.case_id, "Z-1");
  EXPECT_EQ(rec.event_type, "ev");
  EXPECT_TRUE(rec.verified);
  EXPECT_EQ(rec.signer_oin, "00000099000000000001");
  EXPECT_EQ(rec.client_oin, "00000099000000000001");
  EXPECT_EQ(rec.time, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(sink_.bodies[0], "<doc/>");
}

TEST_F(PartnerSimTest, DuplicatesAreStoredAgain) {
  PartnerSim sim = make();
  EXPECT_EQ(sim.handle(delivery("same"), peer_).status, 200);
  EXPECT_EQ(sim.handle(delivery("same"), peer_).status, 200);
  EXPECT_EQ(sink_.records.size(), 2u);
}

TEST_F(PartnerSimTest, CheckFailuresAnswer400WithReason) {
  PartnerSim sim = make();
  SimResponse r = sim.handle(delivery("d-2", "<bad-signature/>"), peer_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "signature: digest mismatch\n");
  SimRequest no_id = delivery();
  no_id.headers.erase(no_id.headers.begin() + 1);
  r = sim.handle(no_id, peer_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "header X-Message-Id: missing\n");
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(PartnerSimTest, ProductRequiredWhenTheCheckerNeedsIt) {
  checker_.needs_product = true;
  PartnerSim sim = make();
  SimRequest r = delivery();
  r.headers.pop_back();
  EXPECT_EQ(sim.handle(r, peer_).status, 400);
}

TEST_F(PartnerSimTest, RoutesAndMethods) {
  PartnerSim sim = make();
  SimRequest r = delivery();
  r.method = "OPTIONS";
  r.target = "*";
  EXPECT_EQ(sim.handle(r, peer_).status, 404);
  r.target = "/deliver";
  r.method = "GET";
  SimResponse resp = sim.handle(r, peer_);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(header(resp, "Allow"), "POST");
  r.target = "/healthz";
  EXPECT_EQ(sim.handle(r, peer_).status, 200);
  EXPECT_EQ(sim.deliveryRequests(), 0u);  // only deliveries count for --fail-first
}

TEST_F(PartnerSimTest, StatsCountPeakConcurrentDeliveries) {
  // Three deliveries held in --delay-ms at once, then one more on its own: the peak stays 3.
  std::mutex m;
  std::condition_variable cv;
  int waiting = 0;
  bool release = false;
  PartnerSimDeps deps;
  deps.sleep = [&](std::chrono::milliseconds) {
    std::unique_lock<std::mutex> lock(m);
    ++waiting;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  };
  FaultOptions f;
  f.delay_ms = 1;
  PartnerSim sim("om", f, std::move(deps));
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&sim, this, i] {
      EXPECT_EQ(sim.handle(delivery("d-" + std::to_string(i)), peer_).status, 200);
    });
  }
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return waiting == 3; });
    EXPECT_EQ(sim.inFlight(), 3);
    release = true;
    cv.notify_all();
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sim.handle(delivery("d-9"), peer_).status, 200);
  EXPECT_EQ(sim.inFlight(), 0);
  EXPECT_EQ(sim.peakConcurrent(), 3);
  SimRequest r;
  r.method = "GET";
  r.target = "/stats";
  SimResponse resp = sim.handle(r, peer_);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.content_type, "application/json");
  EXPECT_EQ(resp.body, "{\"requests\":4,\"in_flight\":0,\"peak_concurrent\":3}\n");
  r.method = "POST";
  resp = sim.handle(r, peer_);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(header(resp, "Allow"), "GET");
}

TEST_F(PartnerSimTest, StatusFaultComesBeforeAnyCheck) {
  FaultOptions f;
  f.status = 503;
  PartnerSim sim = make(f);
  SimRequest r = delivery();
  r.headers.clear();  // would fail the header check
  SimResponse resp = sim.handle(r, peer_);
  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(header(resp, "Retry-After"), "1");
  EXPECT_EQ(checker_.calls, 0);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(PartnerSimTest, FailFirstThenAccept) {
  FaultOptions f;
  f.fail_first = 2;
  PartnerSim sim = make(f);
  EXPECT_EQ(sim.handle(delivery(), peer_).status, 503);
  EXPECT_EQ(sim.handle(delivery(), peer_).status, 503);
  EXPECT_EQ(sim.handle(delivery(), peer_).status, 200);
  EXPECT_EQ(sink_.records.size(), 1u);
}

TEST_F(PartnerSimTest, FailRateAndDelay) {
  FaultOptions f;
  f.fail_rate = 0.3;
  f.delay_ms = 25;
  PartnerSim sim = make(f);
  dice_ = 0.1;
  EXPECT_EQ(sim.handle(delivery(), peer_).status, 503);
  dice_ = 0.7;
  EXPECT_EQ(sim.handle(delivery(), peer_).status, 200);
  EXPECT_EQ(slept_, std::chrono::milliseconds(50));
}

TEST_F(PartnerSimTest, StoreFailureIs500) {
  sink_.fail = true;
  PartnerSim sim = make();
  SimResponse r = sim.handle(delivery(), peer_);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "store: disk full\n");
}

}  // namespace
}  // namespace hub::sim
