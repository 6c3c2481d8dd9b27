// No value ever leaves in a quarantine reason. Every field of every event type (the real event
// schemas in schemas/events/, the examples in examples/events/) is given values that carry a name,
// a BSN, CR/LF, an ANSI escape and forged JSON, sent as JSON and as its XML form; so are the
// message properties, hostile keys and malformed XML. No reason may carry any of those values, a
// fragment of 4 bytes of one (fragments() says which), or a control character: reasons name the
// code, the place (JSON pointer, element path, line) and the rule that failed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/engine/intake_processor.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/xml_runtime.h"

using namespace hub;
namespace bj = boost::json;

namespace {

constexpr const char* kTypes[] = {"wvggz.crisismaatregel.genomen",
                                  "wvggz.crisismaatregel.beeindigd",
                                  "wvggz.zorgmachtiging.aanvraag", "wzd.inbewaringstelling.genomen",
                                  "wzd.inbewaringstelling.beeindigd"};

// The data that must never show (synthetic: a test-range BSN that passes the 11-check).
const std::vector<std::string> kSecrets = {"Pieter Jan van Dijk",
                                           "999990019",
                                           "M. Bakker",
                                           "O'Brien",
                                           "\x1b[31m",
                                           "\",\"level\":\"error\",\"msg\":\"x"};

// Values built from the secrets, each failing some rule somewhere: line breaks and padding fail
// the text pattern, length fails maxLength, and one value forges libxml2's own separator text so
// that a parser of the message would end the value early.
std::vector<std::string> hostileValues() {
  std::string lng;
  while (lng.size() < 260) lng += "Pieter Jan van Dijk ";
  return {
      "Pieter Jan van Dijk",
      "999990019",
      "M. Bakker\r\nPieter Jan van Dijk",
      " Pieter Jan van Dijk\n",
      "\x1b[31mPieter Jan van Dijk\x1b[0m",
      "\",\"level\":\"error\",\"msg\":\"x",
      "M. Bakker 999990019\r\n\",\"level\":\"error\",\"msg\":\"x O'Brien' is not accepted by the "
      "pattern 'x",
      "O'Brien' is not a valid value of the atomic type 'xs:date",
      lng + "999990019",
  };
}

std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Path = std::vector<std::variant<std::string, size_t>>;

void collect(const bj::value& v, Path& at, std::vector<Path>& out) {
  out.push_back(at);
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) {
      at.emplace_back(std::string(k));
      collect(child, at, out);
      at.pop_back();
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      at.emplace_back(i);
      collect(v.as_array()[i], at, out);
      at.pop_back();
    }
  }
}

bj::value& at(bj::value& root, const Path& path) {
  bj::value* v = &root;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      v = &v->as_object()[*key];
    } else {
      v = &v->as_array()[std::get<size_t>(step)];
    }
  }
  return *v;
}

std::string pointerOf(const Path& path) {
  std::string p;
  for (const auto& step : path) {
    p += "/" + (std::holds_alternative<std::string>(step) ? std::get<std::string>(step)
                                                          : std::to_string(std::get<size_t>(step)));
  }
  return p.empty() ? "(root)" : p;
}

// Every 4-byte fragment of the secrets, less those made of lower-case letters and spaces only:
// the reasons' own words contain those ("ter " of "Pieter " in "Character content", "level" of
// the forged JSON in "top level"). What is left (capitals, digits, quotes, escapes) cannot.
std::vector<std::string> fragments() {
  std::vector<std::string> out;
  for (const std::string& secret : kSecrets) {
    for (size_t i = 0; i + 4 <= secret.size(); ++i) {
      const std::string f = secret.substr(i, 4);
      if (f.find_first_not_of("abcdefghijklmnopqrstuvwxyz ") != std::string::npos) out.push_back(f);
    }
  }
  return out;
}

// The first secret fragment (or control character) in `reason`, "" when there is none.
std::string leak(const std::string& reason) {
  static const std::vector<std::string> kFragments = fragments();
  for (const std::string& f : kFragments) {
    if (reason.find(f) != std::string::npos) return f;
  }
  for (unsigned char c : reason) {
    if (c < 0x20 || c == 0x7f) return "control character " + std::to_string(c);
  }
  return {};
}

class NoValuesInReasonsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = new xml::XmlRuntime(); }
  static void TearDownTestSuite() { delete runtime_; }
  void SetUp() override {
    auto cfg = std::make_shared<HubConfig>();
    cfg->intake.max_message_bytes = 1 << 20;
    for (const char* type : kTypes) {
      Route r;
      r.event_type = type;
      cfg->routes.push_back(r);
      auto schema =
          xml::Schema::load(std::string(KETENHUB_SOURCE_DIR) + "/schemas/events/" + type + ".xsd");
      ASSERT_TRUE(schema) << schema.error().message;
      rt_.event_schemas[type] = *schema;
    }
    rt_.cfg = cfg;
  }

  static bj::value example(const char* type) {
    return bj::parse(
        readFile(std::string(KETENHUB_SOURCE_DIR) + "/examples/events/" + type + ".json"));
  }

  // Runs one envelope through intake; a quarantine reason is checked and counted.
  IntakeRecord intake(const char* type, const std::string& content_type, const std::string& body,
                      const std::string& what) {
    Envelope e;
    e.message_id = "m-1";
    e.content_type = content_type;
    e.event_type = type;
    e.case_id = case_id_;
    e.actor = "burgemeester:0344:test";
    e.body = body;
    e.received_at_ms = 1000;
    return check(engine::processEnvelope(rt_, e), what);
  }

  IntakeRecord check(IntakeRecord r, const std::string& what) {
    if (r.quarantined) {
      ++quarantined_;
      const std::string found = leak(r.reason);
      EXPECT_TRUE(found.empty()) << what << ": reason carries '" << found << "': " << r.reason;
      reasons_.push_back(r.reason);
    }
    return r;
  }

  // The JSON body and, when the value can be XML at all, its XML form.
  void both(const char* type, const bj::value& body, const std::string& what) {
    const std::string json = bj::serialize(body);
    intake(type, "application/json", json, what + " (JSON)");
    if (auto xml = xml::jsonToXml(json)) intake(type, "application/xml", *xml, what + " (XML)");
  }

  bool anyReasonHas(const std::string& part) const {
    for (const std::string& r : reasons_) {
      if (r.find(part) != std::string::npos) return true;
    }
    return false;
  }

  static xml::XmlRuntime* runtime_;
  engine::Runtime rt_;
  std::string case_id_;
  size_t quarantined_ = 0;
  std::vector<std::string> reasons_;
};
xml::XmlRuntime* NoValuesInReasonsTest::runtime_ = nullptr;

TEST_F(NoValuesInReasonsTest, HostileValueInEveryFieldOfEveryEventType) {
  size_t sent = 0;
  for (const char* type : kTypes) {
    const bj::value original = example(type);
    case_id_ = std::string(original.at("zaaknummer").as_string());
    ASSERT_FALSE(intake(type, "application/json", bj::serialize(original), type).quarantined)
        << reasons_.back();
    std::vector<Path> paths;
    Path start;
    collect(original, start, paths);
    for (const Path& path : paths) {
      for (const std::string& value : hostileValues()) {
        bj::value edited = original;
        at(edited, path) = bj::string(value);
        both(type, edited, std::string(type) + " " + pointerOf(path));
        ++sent;
      }
      bj::value keyed = original;
      if (at(keyed, path).is_object()) {  // a hostile key: never quoted, its object is named
        for (const std::string& value : hostileValues()) {
          bj::value with_key = keyed;
          at(with_key, path).as_object()[value] = 1;
          both(type, with_key, std::string(type) + " key in " + pointerOf(path));
          ++sent;
        }
      }
    }
  }
  // Each substitution goes in as JSON and (where XML can carry it) as XML, and most fail a rule
  // (a valid name in a text field does not); the finding that started this test is among them:
  // a contact's name with CR/LF, refused by the text pattern.
  RecordProperty("substitutions", static_cast<int>(sent));
  RecordProperty("quarantined", static_cast<int>(quarantined_));
  EXPECT_GT(quarantined_, sent);
  EXPECT_TRUE(
      anyReasonHas("/event/contactpersoon/naam: [facet 'pattern'] the value is not "
                   "accepted by the pattern '"));
  EXPECT_TRUE(
      anyReasonHas("/event/betrokkene/geboortedatum: the value is not a valid value of "
                   "the atomic type 'xs:date'"));
  EXPECT_TRUE(
      anyReasonHas("/event/betrokkene/toestemmingPvp: the value is not a valid value of "
                   "the atomic type 'xs:boolean'"));
  EXPECT_TRUE(anyReasonHas("/betrokkene: a key that "));
}

TEST_F(NoValuesInReasonsTest, HostileMessageProperties) {
  const char* type = kTypes[0];
  const std::string body = bj::serialize(example(type));
  case_id_ = std::string(example(type).at("zaaknummer").as_string());
  for (const std::string& value : hostileValues()) {
    Envelope e;
    e.message_id = "m-1";
    e.content_type = "application/json";
    e.event_type = type;
    e.case_id = case_id_;
    e.actor = "burgemeester:0344:test";
    e.body = body;
    Envelope bad_type = e;
    bad_type.event_type = value;
    EXPECT_EQ(check(engine::processEnvelope(rt_, bad_type), "event-type").reason,
              "unknown_event_type: application-properties.event-type: no route for this event "
              "type");
    Envelope bad_content = e;
    bad_content.content_type = value;
    EXPECT_EQ(check(engine::processEnvelope(rt_, bad_content), "content-type").reason,
              "unsupported_content_type: properties.content-type: the content type is not "
              "application/json or application/xml");
    Envelope bad_case = e;
    bad_case.case_id = value;
    EXPECT_TRUE(check(engine::processEnvelope(rt_, bad_case), "case-id").quarantined);
    Envelope bad_actor = e;
    bad_actor.actor = value;
    check(engine::processEnvelope(rt_, bad_actor), "actor");
  }
  // A plain event type is still named: it is a routing key, not data.
  Envelope e;
  e.message_id = "m-1";
  e.content_type = "application/json";
  e.event_type = "wvggz.onbekend.type";
  e.case_id = case_id_;
  e.actor = "a";
  e.body = body;
  EXPECT_EQ(engine::processEnvelope(rt_, e).reason,
            "unknown_event_type: application-properties.event-type: no route for event type "
            "'wvggz.onbekend.type'");
}

// Element names are structure, and a reason's path names elements of the document; the values
// here are in text, attribute values and whatever malformed XML makes look like a name.
TEST_F(NoValuesInReasonsTest, MalformedXmlAndJsonCarryingValues) {
  const char* type = kTypes[0];
  case_id_ = "CM-0344-2026-000123";
  const std::string xml_bodies[] = {
      "<event><zaaknummer>CM-0344-2026-000123</zaaknummer><naam>Pieter Jan van Dijk</Dijk></event>",
      "<event><!-- Pieter Jan van Dijk 999990019",
      "<event><![CDATA[M. Bakker 999990019",
      "<event><naam Pieter Jan van Dijk/></event>",
      "<event xmlns:p=\"Pieter Jan van Dijk 999990019\"/>",
      "<event xmlns=\"urn:Pieter Jan van Dijk\"><zaaknummer>x</zaaknummer></event>",
      "<event>&Pieter;</event>",
      "<event>\xff\xfePieter Jan van Dijk</event>",
      "<?xml version=\"1.0\" encoding=\"Pieter-Dijk\"?><event/>",
      "<event><?Pieter Jan van Dijk",
      "<event>M. Bakker\x1b[31m</event>",
      "<event a=\"Pieter Jan van Dijk<\"/>",
      "<event><naam>\",\"level\":\"error\",\"msg\":\"x</naam></event>",
      "<gebeurtenis>O'Brien</gebeurtenis>",
  };
  for (const std::string& body : xml_bodies) {
    EXPECT_TRUE(intake(type, "application/xml", body, body).quarantined) << body;
  }
  const std::string json_bodies[] = {
      "{\"zaaknummer\": \"Pieter Jan van Dijk\r\n999990019",  // not JSON: unterminated
      "{\"naam\": \"M. Bakker\", \"naam\": \"O'Brien\"}",     // duplicate key
      "{\"naam\": \"\x1b[31mM. Bakker\"}",                    // raw control in a string
      "{\"naam\": \"Pieter Jan van Dijk\xc3\x28\"}",          // invalid UTF-8
      "{\"Pieter Jan van Dijk\": {\"999990019\": 1}}",
      "[\"Pieter Jan van Dijk\"]",
      "{\"naam\": \"\\u001b[31m\\\",\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"x\"}",
  };
  for (const std::string& body : json_bodies) {
    EXPECT_TRUE(intake(type, "application/json", body, body).quarantined) << body;
  }
}

}  // namespace
