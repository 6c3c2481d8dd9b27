#include "hub/tls/expiry_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace hub::tls {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t t0 = 1'800'000'000;  // 2027-01-15

TEST(ExpiryRegistry, RecordsAndUpdatesBySubjectAndRole) {
  ExpiryRegistry r;
  r.record("CN=a", "partner_server", t0);
  r.record("CN=b", "partner_server", t0 + kDay);
  r.record("CN=a", "partner_server", t0 + 2 * kDay);  // renewed certificate, same subject
  auto all = r.snapshot();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].subject, "CN=a");
  EXPECT_EQ(all[0].not_after, t0 + 2 * kDay);
  EXPECT_EQ(all[1].subject, "CN=b");
  EXPECT_EQ(all[1].role, "partner_server");
}

TEST(ExpiryRegistry, BoundedDropsTheLeastRecentlySeen) {
  ExpiryRegistry r(3);
  r.record("CN=1", "partner_server", t0);
  r.record("CN=2", "partner_server", t0);
  r.record("CN=3", "partner_server", t0);
  r.record("CN=1", "partner_server", t0);  // seen again: now the most recent
  r.record("CN=4", "partner_server", t0);  // drops CN=2
  auto all = r.snapshot();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].subject, "CN=1");
  EXPECT_EQ(all[1].subject, "CN=3");
  EXPECT_EQ(all[2].subject, "CN=4");
}

TEST(ExpiryRegistry, ConcurrentRecordsStayBounded) {
  ExpiryRegistry r(16);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 500; ++i)
        r.record("CN=" + std::to_string(t * 1000 + i), "partner_server", t0 + i);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(r.snapshot().size(), 16u);
}

TEST(ExpiryRegistry, ExpiringWithinThirtyDays) {
  std::vector<CertificateExpiry> certs = {{"CN=soon", "client", t0 + 29 * kDay},
                                          {"CN=later", "signing", t0 + 31 * kDay},
                                          {"CN=gone", "partner_server", t0 - kDay}};
  auto soon = expiringWithin(certs, t0, kExpiryWarningSeconds);
  ASSERT_EQ(soon.size(), 2u);
  EXPECT_EQ(soon[0].subject, "CN=soon");
  EXPECT_EQ(soon[1].subject, "CN=gone");
}

TEST(ExpiryRegistry, WarningTexts) {
  EXPECT_EQ(expiryWarning({"CN=x, O=Partner", "client", t0 + 12 * kDay + 5}, t0),
            "certificate CN=x, O=Partner (role client) expires in 12 days on 2027-01-27");
  EXPECT_EQ(expiryWarning({"CN=x", "ca", t0 + kDay}, t0),
            "certificate CN=x (role ca) expires in 1 day on 2027-01-16");
  EXPECT_EQ(expiryWarning({"CN=x", "server", t0 - 1}, t0),
            "certificate CN=x (role server) expired on 2027-01-15");
}

}  // namespace
}  // namespace hub::tls
