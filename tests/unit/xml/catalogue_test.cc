// The event catalogue (docs/products.md): every (event type, partner, product) row maps its example
// event, the example without optional fields and with other optional fields to a valid product
// carrying only what the partner needs; each event schema refuses broken events, naming the
// element path. Documents: catalogue_documents_test.cc; docs/products.md: catalogue_docs_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "tests/unit/xml/catalogue_support.h"

namespace hub::xml::catalogue {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Event schemas.
class EventSchemaCatalogueTest : public ::testing::TestWithParam<EventCase> {
 protected:
  static Result<void> validate(const json::value& v) {
    auto doc = toEventXml(v);
    if (!doc) return unexpected(doc.error());
    auto s = load<Schema>("schemas/events/" + GetParam().type + ".xsd");
    if (!s) return unexpected(errc::kConfig, "no schema");
    return s->validate(*doc);
  }
};

TEST_P(EventSchemaCatalogueTest, AcceptsTheExampleAndItsVariants) {
  const EventCase& e = GetParam();
  auto example = validate(edited(e.type, {}));
  EXPECT_TRUE(example.has_value()) << example.error().message;
  auto minimal = validate(edited(e.type, {}, e.minimal));
  EXPECT_TRUE(minimal.has_value()) << "without optional fields: " << minimal.error().message;
  auto rich = validate(edited(e.type, e.rich));
  EXPECT_TRUE(rich.has_value()) << "with other optional fields: " << rich.error().message;
}

// Each broken variant is refused with the element path (array indices dropped) in the message,
// and the offending value is never echoed.
TEST_P(EventSchemaCatalogueTest, RejectsBrokenVariantsNamingTheField) {
  const EventCase& e = GetParam();
  // dt: a dateTime field, or for a date-only event a date (a dateTime is no xs:date either).
  const std::string dt = e.datetime_path.empty() ? e.date_path : e.datetime_path;
  const std::string block = dt.substr(0, dt.find('/'));  // besluit, beeindiging or aanvraag
  // clang-format off
  std::vector<Edit> broken = {
      {"betrokkene/bsn", R"("12345")"}, {"betrokkene/bsn", R"("9999900190")"},  // not 9 digits
      {"betrokkene/bsn", R"("99999001A")"},
      {e.date_path, R"("14-03-1987")"}, {e.date_path, R"("2026-02-30")"},  // not an xs:date
      {"betrokkene/geboortedatum", R"("1987-3-14")"},
      {dt, R"("2026-11-21 23:40")"}, {dt, R"("2026-11-21T23:40:00.000")"},  // no dateTime+offset
      {"zaaknummer", R"("0344-2026-123")"},
      {"betrokkene/extra", R"("x")"}, {"onbekend", R"("x")"}, {block + "/email", R"("x@x.org")"},
      {"betrokkene/geslachtsnaam", "null"}, {"betrokkene/geslachtsnaam", R"("")"},
      {"zaaknummer", ""}};  // missing: the message names it as expected (path of its successor)
  // clang-format on
  if (!e.datetime_path.empty()) broken.push_back({dt, R"("2026-11-21")"});
  if (edited(e.type, {}).as_object().contains("documenten")) {
    // clang-format off
    broken.insert(broken.end(), {
        {"documenten/0/soort", R"("brief")"},                 // besluit | medische-verklaring |
        {"documenten/0/sha256", R"("ABCDEF0123")"},           // onderzoeksresultaten; 64 hex
        {"documenten/0/bestandsnaam", R"("../besluit.pdf")"}, // a plain file name
        {"documenten/0/inhoud", R"("geen base64!")"},
        {"documenten/0/ondertekend", R"("ja")"}, {"documenten/0/sha256", ""}});
    // clang-format on
  }
  broken.insert(broken.end(), e.rejects.begin(), e.rejects.end());
  for (const Edit& edit : broken) {
    SCOPED_TRACE(edit.path + " := " + edit.value);
    auto r = validate(edited(e.type, {edit}));
    ASSERT_FALSE(r.has_value()) << "accepted";
    EXPECT_EQ(r.error().code, errc::kSchemaViolation);
    std::string path = "/event";
    for (const std::string& part : split(edit.path, '/')) {
      if (!isIndex(part)) path += "/" + part;
    }
    if (edit.value.empty()) {  // a missing element: its parent's path (or a sibling's) and name
      path = path.substr(0, path.rfind('/'));
      EXPECT_THAT(r.error().message, HasSubstr(edit.path.substr(edit.path.rfind('/') + 1)));
    }
    EXPECT_THAT(r.error().message, HasSubstr(path + (edit.value.empty() ? "" : ": ")));
    const std::string value =
        edit.value.size() > 6 ? edit.value.substr(1, edit.value.size() - 2) : std::string();
    EXPECT_TRUE(value.empty() || r.error().message.find(value) == std::string::npos) << value;
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, EventSchemaCatalogueTest, ::testing::ValuesIn(events()),
                         [](const auto& info) { return testName(info.param.type); });

// Products.
class ProductCatalogueTest : public ::testing::TestWithParam<Row> {
 protected:
  static std::string mapAndValidate(const json::value& event) {
    return productText(GetParam(), event);
  }

  static void checkProduct(const json::value& event, const std::string& text) {
    const Row& row = GetParam();
    const EventCase& e = eventCase(row.event_type);
    const std::string ns = "urn:ketenhub:" + row.partner + ":" + row.product + ":1";
    EXPECT_THAT(text, HasSubstr("<" + rootOf(row) + " xmlns=\"" + ns + "\"><header><messageId>" +
                                e.message_id + "</messageId>"));
    EXPECT_THAT(text, HasSubstr("<receiver>" + row.partner + "</receiver><product><name>" +
                                row.product + "</name><version>1.0</version></product>"));
    EXPECT_THAT(text, HasSubstr("<zaaknummer>" + e.case_id + "</zaaknummer></header>"));
    EXPECT_FALSE(std::regex_search(text, std::regex("<(\\w+)/>|<(\\w+)></\\2>"))) << text;
    for (const std::string& name : split(row.forbidden_elements, ' ')) {
      EXPECT_FALSE(hasElement(text, name)) << "data minimisation: <" << name << "> in\n" << text;
    }
    for (const std::string& path : split(row.forbidden_values, ' ')) {
      const std::string value = valueAt(event, path);
      EXPECT_TRUE(value.empty() || text.find(value) == std::string::npos) << "minimised: " << path;
    }
    // The inspectorate never gets an address (home or place of stay).
    EXPECT_FALSE(row.partner == "igj" && hasElement(text, "adres")) << text;
    // An absent or empty optional field gives no element.
    for (const std::string name : {"voorvoegsel", "bsn"}) {
      EXPECT_FALSE(valueAt(event, "betrokkene/" + name).empty() && hasElement(text, name)) << name;
    }
  }
};

TEST_P(ProductCatalogueTest, ExampleAndVariantsMapToValidProducts) {
  const EventCase& e = eventCase(GetParam().event_type);
  using Variant = std::tuple<std::string, std::vector<Edit>, std::string>;  // name, edits, removed
  for (const auto& [name, edits, removed] :
       std::vector<Variant>{{"example", {}, ""},
                            {"without optional fields", {}, e.minimal},
                            {"other", e.rich, ""}}) {
    SCOPED_TRACE(name);
    const json::value event = edited(e.type, edits, removed);
    const std::string text = mapAndValidate(event);
    ASSERT_FALSE(text.empty());
    checkProduct(event, text);
  }
}

TEST_P(ProductCatalogueTest, SchemaAllowsAnEnvelopedSignatureOnly) {
  const std::string text = mapAndValidate(edited(GetParam().event_type, {}));
  const size_t close = text.rfind("</" + rootOf(GetParam()) + ">");
  auto xsd = load<Schema>(xsdOf(GetParam()));
  ASSERT_TRUE(close != std::string::npos && xsd);
  auto with = [&](const std::string& child) {
    auto doc = Document::parseUntrusted(std::string(text).insert(close, child));
    return doc ? xsd->validate(*doc) : Result<void>(unexpected(doc.error()));
  };
  auto sig =
      with(R"(<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>)");
  EXPECT_TRUE(sig.has_value()) << sig.error().message;
  EXPECT_FALSE(with(R"(<x xmlns="urn:other"/>)").has_value());
}

TEST_P(ProductCatalogueTest, WrongEventTypeOrCaseStopsTheMapping) {
  const json::value event = edited(GetParam().event_type, {});
  EXPECT_THAT(mapped(xslOf(GetParam()), event, params(GetParam(), "event-type", "wvggz.onbekend")),
              AllOf(HasSubstr("error mapping: "), HasSubstr("'wvggz.onbekend' cannot be")));
  EXPECT_THAT(
      mapped(xslOf(GetParam()), event, params(GetParam(), "case-id", "CM-0344-2026-999999")),
      AllOf(HasSubstr("error mapping: "), HasSubstr("case-id property does not match")));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, ProductCatalogueTest, ::testing::ValuesIn(catalogue()),
                         [](const auto& info) {
                           const Row& r = info.param;
                           return testName(r.partner + "_" + r.product + "_" + r.event_type);
                         });

// The start notice needs the person's consent in its event; the end notice follows the start
// notice of the case (the route's delivered_before condition), whatever the end event says.
TEST(ProductCatalogue, PatientAdvocateProductsNeedConsent) {
  for (const Row& row : catalogue()) {
    if (row.partner != "pvp") continue;
    const json::value event = edited(row.event_type, {{"betrokkene/toestemmingPvp", "false"}});
    if (row.product == "informeren-pvp-beeindiging")
      EXPECT_THAT(mapped(xslOf(row), event, params(row)), HasSubstr("<informerenPvpBeeindiging"));
    else
      EXPECT_THAT(mapped(xslOf(row), event, params(row)),
                  AllOf(HasSubstr("error mapping: "), HasSubstr("no consent")))
          << row.product;
  }
}

TEST(ProductCatalogue, LawyerRequestTellsTheMeasuresApartAndRefusesAMismatch) {
  const Row& crisis = rowFor("wvggz.crisismaatregel.genomen", "rvr");
  const Row& ibs = rowFor("wzd.inbewaringstelling.genomen", "rvr");
  const json::value ibs_event = edited(ibs.event_type, {});
  EXPECT_THAT(mapped(xslOf(crisis), edited(crisis.event_type, {}), params(crisis)),
              HasSubstr("<wet>Wvggz</wet><soort>crisismaatregel</soort>"));
  EXPECT_THAT(mapped(xslOf(ibs), ibs_event, params(ibs)),
              HasSubstr("<wet>Wzd</wet><soort>inbewaringstelling</soort>"));
  // Without the event-type parameter the event's shape decides.
  EXPECT_THAT(mapped(xslOf(ibs), ibs_event, params(ibs, "event-type", "")),
              HasSubstr("<wet>Wzd</wet><soort>inbewaringstelling</soort>"));
  // A crisis-measure event type with a detention's body is refused.
  EXPECT_THAT(mapped(xslOf(ibs), ibs_event, params(ibs, "event-type", crisis.event_type)),
              AllOf(HasSubstr("error mapping: "), HasSubstr("does not have the shape")));
}

// The addition to the house number is spelled huisnummertoevoeging in every event; the old
// camel-case huisnummerToevoeging is refused by every event schema (intake quarantines it before
// validation, naming the right spelling), and the mappings fold the addition into huisnummer.
TEST(EventCatalogue, HouseNumberAdditionIsSpelledInLowerCaseOnly) {
  for (const EventCase& e : events()) {
    SCOPED_TRACE(e.type);
    auto schema = load<Schema>("schemas/events/" + e.type + ".xsd");
    ASSERT_TRUE(schema);
    auto validate = [&](const std::string& name) {
      auto doc = toEventXml(
          edited(e.type, {{"betrokkene/adres", kHome}, {"betrokkene/adres/" + name, R"("B")"}}));
      return doc ? schema->validate(*doc) : Result<void>(unexpected(doc.error()));
    };
    auto lower = validate("huisnummertoevoeging");
    EXPECT_TRUE(lower.has_value()) << lower.error().message;
    auto camel = validate("huisnummerToevoeging");
    ASSERT_FALSE(camel.has_value()) << "huisnummerToevoeging accepted";
    EXPECT_EQ(camel.error().code, errc::kSchemaViolation);
    EXPECT_THAT(camel.error().message, HasSubstr("/event/betrokkene/adres/huisnummerToevoeging"));
  }
  const Row& om = rowFor("wvggz.zorgmachtiging.aanvraag", "om");
  EXPECT_THAT(mapped(xslOf(om), edited(om.event_type, {}), params(om)),
              HasSubstr("<huisnummer>88 B</huisnummer>"));
  const Row& ciz = rowFor("wzd.inbewaringstelling.genomen", "ciz");
  EXPECT_THAT(mapped(xslOf(ciz),
                     edited(ciz.event_type, {{"betrokkene/adres/huisnummertoevoeging", R"("A")"}}),
                     params(ciz)),
              HasSubstr("<huisnummer>410 A</huisnummer>"));
}

}  // namespace
}  // namespace hub::xml::catalogue
