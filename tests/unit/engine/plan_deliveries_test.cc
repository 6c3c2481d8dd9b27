// planDeliveries with the legal deadline forms and a condition on the case's history: what intake
// (and `route test`) plans before the store decides.
#include <gtest/gtest.h>

#include "hub/engine/event_rules.h"
#include "hub/engine/intake_processor.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/xml_runtime.h"

using namespace hub;
using namespace hub::engine;

namespace {

xml::Document eventDoc(const std::string& json) {
  static xml::XmlRuntime runtime;
  return *xml::Document::parseTrusted(*xml::jsonToXml(json));
}

DeliveryRule ruleFor(const std::string& partner, const std::string& product) {
  DeliveryRule d;
  d.partner = partner;
  d.product = product;
  d.deadline = Millis(1'800'000);
  return d;
}

TEST(PlanDeliveries, ConditionOnTheCasesHistoryIsLeftToTheStoreAndSaidSo) {
  Route route;
  route.event_type = "wvggz.crisismaatregel.beeindigd";
  route.deliveries.push_back(ruleFor("om", "kennisgeving-beeindiging-crisismaatregel"));
  DeliveryRule pvp = ruleFor("pvp", "informeren-pvp-beeindiging");
  Condition prior;
  prior.op = Condition::Op::kDeliveredBefore;
  prior.partner = "pvp";
  prior.product = "informeren-pvp";
  pvp.when.push_back(prior);
  route.deliveries.push_back(pvp);
  // The end event's consent field does not matter.
  auto doc = eventDoc(R"({"betrokkene":{"toestemmingPvp":false}})");
  std::vector<std::string> history;
  auto planned = planDeliveries(route, doc, "m-1", 1000, history);
  ASSERT_TRUE(planned);
  ASSERT_EQ(planned->size(), 2u);
  EXPECT_TRUE((*planned)[0].requires_prior.empty());
  ASSERT_EQ((*planned)[1].requires_prior.size(), 1u);
  EXPECT_EQ((*planned)[1].requires_prior[0].partner, "pvp");
  EXPECT_EQ((*planned)[1].requires_prior[0].product, "informeren-pvp");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1], "planned pvp/informeren-pvp-beeindiging delivery " +
                            (*planned)[1].delivery_id +
                            ", if this case has a delivery pvp/informeren-pvp");
}

TEST(PlanDeliveries, LegalPeriodsOfTheNewFormsAndTheirStart) {
  Route route;
  route.event_type = "wzd.inbewaringstelling.genomen";
  DeliveryRule ciz = ruleFor("ciz", "kennisgeving-ibs");
  ciz.legal_deadline = LegalDeadline{"/besluit/datumTijd", Millis(0), "", true, "Europe/Amsterdam"};
  route.deliveries.push_back(ciz);
  DeliveryRule om = ruleFor("om", "aanvraag-voorbereiding-zorgmachtiging");
  om.legal_deadline = LegalDeadline{"/melding/datumOntvangst", Millis(14LL * 86'400'000), "", false,
                                    "Europe/Amsterdam"};
  route.deliveries.push_back(om);
  auto doc = eventDoc(
      R"({"besluit":{"datumTijd":"2026-03-29T01:30:00+01:00"},"melding":{"datumOntvangst":"2026-11-10"}})");
  std::vector<std::string> history;
  auto planned = planDeliveries(route, doc, "m-2", 1000, history);
  ASSERT_TRUE(planned) << planned.error().message;
  ASSERT_EQ(planned->size(), 2u);
  // The half-time metric counts from the `from` moment.
  EXPECT_EQ((*planned)[0].legal_start_at, *parseRfc3339("2026-03-29T01:30:00+01:00"));
  EXPECT_EQ((*planned)[0].legal_deadline_at, *parseRfc3339("2026-03-30T00:00:00+02:00"));
  EXPECT_EQ((*planned)[1].legal_start_at, *parseRfc3339("2026-11-10T00:00:00+01:00"));
  EXPECT_EQ((*planned)[1].legal_deadline_at, *parseRfc3339("2026-11-24T00:00:00+01:00"));
  // Without the field, the event cannot be planned (intake quarantines it, naming the field).
  auto none = eventDoc(R"({"besluit":{"datumTijd":"2026-03-29T01:30:00+01:00"}})");
  auto r = planDeliveries(route, none, "m-3", 1000, history);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/melding/datumOntvangst: needed for the legal deadline"),
            std::string::npos);
}

}  // namespace
