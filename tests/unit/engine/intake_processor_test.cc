// The pure intake decision: every kind of bad input becomes a quarantine record with a precise
// reason; a good event plans its deliveries with stable delivery ids.
#include "hub/engine/intake_processor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hub/core/error_codes.h"
#include "hub/engine/delivery_id.h"
#include "hub/xml/xml_runtime.h"

using namespace hub;

namespace {

std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class IntakeProcessorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = new xml::XmlRuntime(); }
  static void TearDownTestSuite() { delete runtime_; }
  void SetUp() override {
    auto cfg = std::make_shared<HubConfig>();
    cfg->intake.max_message_bytes = 4096;
    PartnerConfig om;
    om.code = "om";
    om.name = "Openbaar Ministerie";
    cfg->partners["om"] = om;
    Route r;
    r.event_type = kType;
    DeliveryRule d;
    d.partner = "om";
    d.product = "kennisgeving-crisismaatregel";
    d.deadline = Millis(1800000);
    r.deliveries.push_back(d);
    cfg->routes.push_back(r);
    rt_.cfg = cfg;
    auto schema =
        xml::Schema::load(std::string(KETENHUB_SOURCE_DIR) + "/schemas/events/" + kType + ".xsd");
    ASSERT_TRUE(schema) << schema.error().message;
    rt_.event_schemas[kType] = *schema;
  }
  Envelope good() const {
    Envelope e;
    e.message_id = "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01";
    e.content_type = "application/json";
    e.event_type = kType;
    e.case_id = "CM-0344-2026-000123";
    e.actor = "burgemeester:0344:j.devries";
    e.body = readFile(std::string(KETENHUB_SOURCE_DIR) + "/examples/events/" + kType + ".json");
    e.received_at_ms = 1000;
    return e;
  }
  static constexpr const char* kType = "wvggz.crisismaatregel.genomen";
  static xml::XmlRuntime* runtime_;
  engine::Runtime rt_;
};
xml::XmlRuntime* IntakeProcessorTest::runtime_ = nullptr;

TEST_F(IntakeProcessorTest, GoodEventPlansDeliveries) {
  IntakeRecord r = engine::processEnvelope(rt_, good());
  ASSERT_FALSE(r.quarantined) << r.reason;
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].partner, "om");
  EXPECT_EQ(r.deliveries[0].delivery_id,
            engine::deliveryId(r.env.message_id, "om", "kennisgeving-crisismaatregel"));
  EXPECT_EQ(r.deliveries[0].deadline_at, 1000 + 1800000);
  EXPECT_NE(r.event_xml.find("<zaaknummer>CM-0344-2026-000123</zaaknummer>"), std::string::npos);
}

// Workers derive the event's XML form from the stored body: it must be what intake validated.
TEST_F(IntakeProcessorTest, XmlFormDerivedFromTheBodyEqualsIntakes) {
  Envelope e = good();
  IntakeRecord r = engine::processEnvelope(rt_, good());
  ASSERT_FALSE(r.quarantined) << r.reason;
  auto json = engine::eventXmlForm(e.content_type, e.body, engine::eventLimits(rt_.cfg->intake));
  ASSERT_TRUE(json.has_value()) << json.error().message;
  EXPECT_EQ(*json, r.event_xml);
  auto xml = engine::eventXmlForm("application/xml; charset=utf-8", r.event_xml, {});
  ASSERT_TRUE(xml.has_value());
  EXPECT_EQ(*xml, r.event_xml);
  auto other = engine::eventXmlForm("text/plain", "x", {});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, errc::kUnsupportedContentType);
}

TEST_F(IntakeProcessorTest, QuarantineReasons) {
  struct Case {
    const char* name;
    std::function<void(Envelope&)> mutate;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"no message id", [](Envelope& e) { e.message_id.clear(); },
       "missing_property: properties.message-id"},
      {"no event type", [](Envelope& e) { e.event_type.clear(); },
       "missing_property: application-properties.event-type"},
      {"no case id", [](Envelope& e) { e.case_id.clear(); },
       "missing_property: application-properties.case-id"},
      {"no actor", [](Envelope& e) { e.actor.clear(); },
       "missing_property: application-properties.actor"},
      {"unknown type", [](Envelope& e) { e.event_type = "x.y"; }, "unknown_event_type"},
      {"not json", [](Envelope& e) { e.body = "{oops"; }, "not_json: body"},
      {"too large", [](Envelope& e) { e.body = std::string(5000, ' '); }, "too_large: body: 5000"},
      {"flagged oversize",
       [](Envelope& e) {
         e.oversize = true;
         e.oversize_bytes = 99999;
         e.body.clear();
       },
       "too_large: body: 99999"},
      {"content type", [](Envelope& e) { e.content_type = "text/plain"; },
       "unsupported_content_type"},
      {"dtd",
       [](Envelope& e) {
         e.content_type = "application/xml";
         e.body = "<!DOCTYPE event [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><event>&x;</event>";
       },
       "forbidden_dtd"},
      {"schema",
       [](Envelope& e) {
         auto p = e.body.find("999990019");
         e.body.replace(p, 9, "12");
       },
       "schema_violation"},
      {"case mismatch", [](Envelope& e) { e.case_id = "CM-OTHER"; }, "case_mismatch"},
  };
  for (const auto& c : cases) {
    Envelope e = good();
    c.mutate(e);
    IntakeRecord r = engine::processEnvelope(rt_, e);
    EXPECT_TRUE(r.quarantined) << c.name;
    EXPECT_NE(r.reason.find(c.expect), std::string::npos) << c.name << ": " << r.reason;
    EXPECT_TRUE(r.deliveries.empty()) << c.name;
    EXPECT_FALSE(r.env.message_id.empty()) << c.name;
  }
}

TEST_F(IntakeProcessorTest, SchemaReasonNamesTheFieldNotTheValue) {
  Envelope e = good();
  auto p = e.body.find("999990019");
  e.body.replace(p, 9, "12AB");
  IntakeRecord r = engine::processEnvelope(rt_, e);
  ASSERT_TRUE(r.quarantined);
  EXPECT_NE(r.reason.find("bsn"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find("12AB"), std::string::npos) << r.reason;
}

}  // namespace
