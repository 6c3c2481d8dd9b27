// Every config error message has a fixture: tests/config_errors/<case>/ holds a hub.yaml (with
// routes/) and expected.txt with the exact error lines the loader must print, in order. A
// configuration that loads is then checked for the files it names (hub/config/config_files.h),
// as `config check` does, with the source directory as the working directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/https_coupling/coupling_options.h"
#include "adapters/registry.h"
#include "hub/config/config_files.h"
#include "hub/config/loader.h"

namespace fs = std::filesystem;

namespace {

hub::config::LoadOptions opts() {
  hub::config::LoadOptions o;
  o.known_adapters = {"rest-xml", "digikoppeling-wus"};
  o.channels = hub::adapters::channelSchemas();
  return o;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ConfigErrors, FixturesMatchExactly) {
  fs::path root = fs::path(KETENHUB_SOURCE_DIR) / "tests" / "config_errors";
  int cases = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    ++cases;
    hub::config::Diagnostics diag;
    auto cfg = hub::config::loadConfig((dir.path() / "hub.yaml").string(), opts(), diag);
    if (cfg)
      hub::config::checkConfiguredFiles(*cfg, hub::config::configuredFiles(*cfg),
                                        KETENHUB_SOURCE_DIR, diag);
    EXPECT_FALSE(diag.ok()) << dir.path();
    EXPECT_EQ(diag.joined(), readFile(dir.path() / "expected.txt")) << "fixture " << dir.path();
  }
  EXPECT_GE(cases, 5);
}

TEST(ConfigLoader, LoadsTheDemoConfiguration) {
  hub::config::Diagnostics diag;
  auto cfg = hub::config::loadConfig(
      (fs::path(KETENHUB_SOURCE_DIR) / "deploy" / "local" / "hub.yaml").string(), opts(), diag);
  ASSERT_NE(cfg, nullptr) << diag.joined();
  EXPECT_EQ(cfg->hub.oin, "00000099000000000001");
  ASSERT_EQ(cfg->intake.listen.size(), 1u);
  EXPECT_EQ(cfg->intake.listen[0].address, "wvggz.events");
  ASSERT_TRUE(cfg->partners.count("om"));
  const auto& om = cfg->partners.at("om");
  EXPECT_EQ(om.adapter, "digikoppeling-wus");
  EXPECT_EQ(om.concurrency, 16);
  EXPECT_EQ(om.breaker.open_for, hub::Millis(30000));
  // The coupling's options were read by its channel's schema (adapters/https_coupling).
  const auto* coupling = hub::adapters::couplingOptions(om);
  ASSERT_NE(coupling, nullptr);
  ASSERT_EQ(coupling->tls.ca_files.size(), 1u);
  EXPECT_TRUE(fs::path(coupling->tls.ca_files[0]).is_absolute());
  EXPECT_EQ(coupling->tls.expected_oin, "00000099000000000011");
  EXPECT_TRUE(om.channel_options.count("securemail"));
  EXPECT_TRUE(om.channel_options.count("print"));
  EXPECT_EQ(cfg->partners.size(), 5u);
  EXPECT_EQ(cfg->routes.size(), 5u);
  const hub::Route* r = cfg->findRoute("wvggz.crisismaatregel.genomen");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->deliveries.size(), 4u);
  EXPECT_EQ(r->deliveries[0].deadline, hub::Millis(30 * 60 * 1000));
  EXPECT_EQ(r->deliveries[0].retry.initial, hub::Millis(1000));
  // The PvP gets the notice only with the patient's consent.
  const auto& pvp = r->deliveries[2];
  EXPECT_EQ(pvp.partner, "pvp");
  ASSERT_EQ(pvp.when.size(), 1u);
  EXPECT_EQ(pvp.when[0].field, "/betrokkene/toestemmingPvp");
  EXPECT_EQ(pvp.when[0].value, "true");
  // The lawyer request is due 24 h after the decision.
  const auto& rvr = r->deliveries[3];
  ASSERT_TRUE(rvr.legal_deadline.has_value());
  EXPECT_EQ(rvr.legal_deadline->from_field, "/besluit/datumTijd");
  EXPECT_EQ(rvr.legal_deadline->after, hub::Millis(24 * 3600 * 1000));
}

}  // namespace
