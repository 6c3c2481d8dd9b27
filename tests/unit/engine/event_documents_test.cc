// Documents at intake: each must be a PDF whose declared SHA-256 matches its decoded content,
// the route's required kinds must be there, and the old camel-case spelling of an address field
// is refused with the right name. Each problem is a quarantine whose reason names the field.
#include "hub/engine/event_documents.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "hub/core/error_codes.h"
#include "hub/engine/intake_processor.h"
#include "hub/xml/xml_runtime.h"

using namespace hub;
namespace bj = boost::json;

namespace {

std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class EventDocumentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = new xml::XmlRuntime(); }
  static void TearDownTestSuite() { delete runtime_; }
  void SetUp() override {
    auto cfg = std::make_shared<HubConfig>();
    cfg->intake.max_message_bytes = 1 << 20;
    for (const char* type : {kCrisis, kAanvraag}) {
      Route r;
      r.event_type = type;
      r.required_documents = type == std::string(kCrisis)
                                 ? std::vector<std::string>{"besluit", "medische-verklaring"}
                                 : std::vector<std::string>{"onderzoeksresultaten"};
      cfg->routes.push_back(r);
      auto schema =
          xml::Schema::load(std::string(KETENHUB_SOURCE_DIR) + "/schemas/events/" + type + ".xsd");
      ASSERT_TRUE(schema) << schema.error().message;
      rt_.event_schemas[type] = *schema;
    }
    rt_.cfg = cfg;
  }
  static bj::object example(const char* type) {
    return bj::parse(
               readFile(std::string(KETENHUB_SOURCE_DIR) + "/examples/events/" + type + ".json"))
        .as_object();
  }
  IntakeRecord intake(const char* type, const bj::object& body) const {
    Envelope e;
    e.message_id = "m-1";
    e.content_type = "application/json";
    e.event_type = type;
    e.case_id = std::string(body.at("zaaknummer").as_string());
    e.actor = "burgemeester:0344:test";
    e.body = bj::serialize(body);
    e.received_at_ms = 1000;
    return engine::processEnvelope(rt_, e);
  }
  static bj::object& doc(bj::object& ev, size_t i) {
    return ev["documenten"].as_array()[i].as_object();
  }
  static constexpr const char* kCrisis = "wvggz.crisismaatregel.genomen";
  static constexpr const char* kAanvraag = "wvggz.zorgmachtiging.aanvraag";
  static xml::XmlRuntime* runtime_;
  engine::Runtime rt_;
};
xml::XmlRuntime* EventDocumentsTest::runtime_ = nullptr;

TEST_F(EventDocumentsTest, TheExamplesPass) {
  for (const char* type : {kCrisis, kAanvraag}) {
    auto r = intake(type, example(type));
    EXPECT_FALSE(r.quarantined) << type << ": " << r.reason;
  }
}

TEST_F(EventDocumentsTest, AWrongSha256IsQuarantinedNamingTheField) {
  auto ev = example(kCrisis);
  doc(ev, 1)["sha256"] = std::string(64, 'a');
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_EQ(r.reason,
            std::string(errc::kDocument) +
                ": /documenten/1/sha256: does not match the SHA-256 of the decoded inhoud");
}

TEST_F(EventDocumentsTest, ContentThatIsNotAPdfIsQuarantined) {
  auto ev = example(kCrisis);
  doc(ev, 0)["inhoud"] = "aGVsbG8gd29ybGQ=";  // "hello world"
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_NE(r.reason.find("/documenten/0/inhoud: is not a PDF"), std::string::npos) << r.reason;
}

TEST_F(EventDocumentsTest, AnotherMediaTypeIsQuarantined) {
  auto ev = example(kCrisis);
  doc(ev, 0)["mimeType"] = "text/plain";
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_NE(r.reason.find("/documenten/0/mimeType: must be application/pdf"), std::string::npos)
      << r.reason;
}

TEST_F(EventDocumentsTest, ContentThatIsNotBase64FailsTheSchemaOrTheCheck) {
  auto ev = example(kCrisis);
  doc(ev, 0)["inhoud"] = "not base64!";
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_NE(r.reason.find("inhoud"), std::string::npos) << r.reason;
}

TEST_F(EventDocumentsTest, AMissingRequiredDocumentIsNamed) {
  auto ev = example(kCrisis);
  ev["documenten"].as_array().erase(ev["documenten"].as_array().begin() + 1);
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_EQ(r.reason, std::string(errc::kDocument) +
                          ": /documenten: the law requires the medical statement (soort "
                          "medische-verklaring), which is missing");
  ev.erase("documenten");
  r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_NE(r.reason.find("the copy of the decision (soort besluit)"), std::string::npos)
      << r.reason;
}

TEST_F(EventDocumentsTest, TheOldSpellingIsRefusedWithTheRightName) {
  auto ev = example(kAanvraag);
  auto& adres = ev["betrokkene"].as_object()["adres"].as_object();
  adres["huisnummerToevoeging"] = adres["huisnummertoevoeging"];
  adres.erase("huisnummertoevoeging");
  auto r = intake(kAanvraag, ev);
  ASSERT_TRUE(r.quarantined);
  EXPECT_EQ(r.reason, std::string(errc::kSchemaViolation) +
                          ": /betrokkene/adres/huisnummerToevoeging: unknown field; it is spelled "
                          "huisnummertoevoeging (one word, lower case)");
}

TEST_F(EventDocumentsTest, NoPersonalDataInTheReasons) {
  auto ev = example(kCrisis);
  doc(ev, 0)["sha256"] = std::string(64, 'b');
  auto r = intake(kCrisis, ev);
  ASSERT_TRUE(r.quarantined);
  const std::string bsn(ev["betrokkene"].as_object()["bsn"].as_string());
  EXPECT_EQ(r.reason.find(bsn), std::string::npos);
  EXPECT_EQ(r.reason.find("JVBER"), std::string::npos);  // no document content
}

}  // namespace
