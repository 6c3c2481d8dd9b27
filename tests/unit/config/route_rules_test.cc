// The shipped routes' legal deadline forms and conditions on the case's history, and the
// warnings `config check` gives for deadlines at the end of a day.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/registry.h"
#include "hub/config/loader.h"

namespace fs = std::filesystem;

namespace {

hub::config::LoadOptions opts() {
  hub::config::LoadOptions o;
  o.known_adapters = {"rest-xml", "digikoppeling-wus"};
  o.channels = hub::adapters::channelSchemas();
  return o;
}

const hub::DeliveryRule* rule(const hub::HubConfig& cfg, const std::string& type,
                              const std::string& partner, const std::string& product) {
  const hub::Route* r = cfg.findRoute(type);
  if (!r) return nullptr;
  for (const auto& d : r->deliveries)
    if (d.partner == partner && d.product == product) return &d;
  return nullptr;
}

TEST(RouteRules, ShippedRoutesCountFromTheRightMoments) {
  hub::config::Diagnostics diag;
  auto cfg = hub::config::loadConfig(
      (fs::path(KETENHUB_SOURCE_DIR) / "deploy" / "local" / "hub.yaml").string(), opts(), diag);
  ASSERT_NE(cfg, nullptr) << diag.joined();
  // The OM's copy of a crisis measure: 24 h after the decision, not at the measure's end.
  auto* om = rule(*cfg, "wvggz.crisismaatregel.genomen", "om", "kennisgeving-crisismaatregel");
  ASSERT_TRUE(om && om->legal_deadline);
  EXPECT_EQ(om->legal_deadline->from_field, "/besluit/datumTijd");
  EXPECT_EQ(om->legal_deadline->after, hub::Millis(24 * 3600 * 1000));
  EXPECT_TRUE(om->legal_deadline->at_field.empty());
  // The request to prepare a care authorisation: 14 calendar days from the report's receipt.
  auto* zm =
      rule(*cfg, "wvggz.zorgmachtiging.aanvraag", "om", "aanvraag-voorbereiding-zorgmachtiging");
  ASSERT_TRUE(zm && zm->legal_deadline);
  EXPECT_EQ(zm->legal_deadline->from_field, "/melding/datumOntvangst");
  EXPECT_EQ(zm->legal_deadline->after, hub::Millis(14LL * 86400 * 1000));
  EXPECT_EQ(zm->legal_deadline->zone, "Europe/Amsterdam");
  // The CIZ report of a detention: the same day.
  auto* ciz = rule(*cfg, "wzd.inbewaringstelling.genomen", "ciz", "kennisgeving-ibs");
  ASSERT_TRUE(ciz && ciz->legal_deadline);
  EXPECT_TRUE(ciz->legal_deadline->end_of_day);
  EXPECT_EQ(ciz->legal_deadline->zone, "Europe/Amsterdam");
  // The PvP's end notice: on the case's history, not on the end event's consent field.
  auto* pvp = rule(*cfg, "wvggz.crisismaatregel.beeindigd", "pvp", "informeren-pvp-beeindiging");
  ASSERT_TRUE(pvp);
  ASSERT_EQ(pvp->when.size(), 1u);
  EXPECT_EQ(pvp->when[0].op, hub::Condition::Op::kDeliveredBefore);
  EXPECT_EQ(pvp->when[0].partner, "pvp");
  EXPECT_EQ(pvp->when[0].product, "informeren-pvp");
  // 30m + securemail 2h + print 12h fits the end of the decision's day only before 09:30.
  bool warned = false;
  for (const auto& w : diag.warnings())
    warned |=
        w.find(
            "ciz/kennisgeving-ibs): deadline 30m + securemail 2h + print 12h = 14h30m "
            "fits inside the legal deadline at the end of the day of /besluit/datumTijd "
            "(Europe/Amsterdam) only for decisions before 09:30 local time") != std::string::npos;
  EXPECT_TRUE(warned) << diag.warnings().size() << " warning(s)";
}

TEST(RouteRules, EndOfDayChainThatFitsSomeDecisionsIsAWarning) {
  hub::config::Diagnostics diag;
  auto cfg = hub::config::loadConfig((fs::path(KETENHUB_SOURCE_DIR) / "tests" / "config_errors" /
                                      "legal_deadline_fit" / "hub.yaml")
                                         .string(),
                                     opts(), diag);
  EXPECT_EQ(cfg, nullptr);
  ASSERT_EQ(diag.warnings().size(), 1u);
  EXPECT_EQ(diag.warnings()[0],
            "routes/wvggz.yaml:17 (wvggz.crisismaatregel.genomen -> om/same-day): deadline 30m + "
            "securemail 3h + print 20h = 23h30m fits inside the legal deadline at the end of the "
            "day of /besluit/datumTijd (Europe/Amsterdam) only for decisions before 00:30 local "
            "time; later ones can pass it on the way");
}

}  // namespace
