// The event catalogue (SPEC §2): every (event type, partner, product) row maps its example event,
// the example without optional fields and with other optional fields to a valid product carrying
// only what the partner needs; each event schema refuses broken events, naming the element path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <map>
#include <ostream>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/schema.h"
#include "hub/xml/stylesheet.h"
#include "tests/unit/xml/xml_test_support.h"

namespace hub::xml {
namespace {

namespace json = boost::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::readFile;
using testing::sourcePath;

// The catalogue, hard-coded (SPEC §2 and examples/events/README.md).

// A JSON edit: remove the member at `path` (value ""), or set it to `value` (JSON text; a new key
// goes last). Paths use '/'; a number is an array index, '*' every array element.
struct Edit {
  std::string path, value;
};

struct EventCase {
  std::string type, message_id, case_id, actor;
  std::string date_path;      // an xs:date field
  std::string datetime_path;  // an xs:dateTime field ("" when the event has none)
  std::string minimal;        // space-separated paths: removing them removes every optional field
  std::vector<Edit> rich;     // adds optional fields the example lacks, drops inner optional ones
  std::vector<Edit> rejects;  // event-specific mistakes the schema must refuse
};
void PrintTo(const EventCase& e, std::ostream* os) { *os << e.type; }

// Optional blocks the rich variants add (synthetic data).
const std::string kHome = R"({"straat": "Thuisweg", "huisnummer": "1", "woonplaats": "Houten"})";
const std::string kStay = R"({"naam": "Verblijf", "adres": {"straat": "Verblijfweg", )"
                          R"("huisnummer": "7", "postcode": "3700 AA", "woonplaats": "Zeist"}})";
const std::string kLawyer = R"({"naam": "mr. T. Advocaat", "kantoor": "Recht", "telefoon": "1"})";
const std::string kContact = R"({"naam": "C. Contact", "telefoon": "06 00000000"})";

// clang-format off
const std::vector<EventCase>& events() {
  static const std::vector<EventCase> kEvents = {
    {"wvggz.crisismaatregel.genomen", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01",
     "CM-0344-2026-000123", "burgemeester:0344:j.devries", "betrokkene/geboortedatum",
     "besluit/datumTijd", "betrokkene/bsn betrokkene/voorvoegsel betrokkene/adres contactpersoon "
     "betrokkene/verblijfplaats besluit/burgemeester/hoedanigheid zorgaanbieder/locatie "
     "verplichteZorg/*/omschrijving",
     {{"betrokkene/voorvoegsel", R"("")"}, {"betrokkene/adres/huisnummertoevoeging", R"("A")"},
      {"betrokkene/verblijfplaats/adres/huisnummertoevoeging", R"("bis")"},
      {"betrokkene/verblijfplaats/adres/postcode", ""}, {"contactpersoon", ""},  // root order:
      {"advocaat", kLawyer}, {"contactpersoon", R"({"naam": "C. Contact"})"}},  // advocaat first
     {{"verplichteZorg/1/code", R"("l")"},                    // closed list a..k
      {"betrokkene/adres/huisnummerToevoeging", R"("A")"}}},  // spelled huisnummertoevoeging
    {"wvggz.crisismaatregel.beeindigd", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a02",
     "CM-0344-2026-000123", "burgemeester:0344:j.devries", "betrokkene/geboortedatum",
     "beeindiging/datumTijd", "betrokkene/bsn betrokkene/voorvoegsel zorgaanbieder/locatie "
     "beeindiging/burgemeester/hoedanigheid",
     {{"betrokkene/adres", kHome}, {"betrokkene/verblijfplaats", R"({"naam": "Huize Verblijf"})"},
      {"advocaat", kLawyer}, {"contactpersoon", kContact}},
     {{"betrokkene/toestemmingPvp", R"("ja")"}}},
    {"wvggz.zorgmachtiging.aanvraag", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a03",
     "VO-0344-2026-004512", "medewerker:0344:s.elamrani", "aanvraag/datum", "",
     "betrokkene/bsn betrokkene/adres aanvraag/behandelaar melder gegevensVerkennendOnderzoek",
     {{"betrokkene/voorvoegsel", R"("de")"}, {"betrokkene/adres/postcode", ""},
      {"betrokkene/verblijfplaats", kStay}, {"aanvraag/behandelaar/functie", ""},
      {"contactpersoon", kContact}},
     {{"betrokkene/adres/huisnummertoevoeging", R"("B")"},  // spelled huisnummerToevoeging
      {"gegevensVerkennendOnderzoek/0/beschikbaar", R"("ja")"}}},
    {"wzd.inbewaringstelling.genomen", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a04",
     "IBS-0344-2026-000077", "burgemeester:0344:k.visser", "medischeVerklaring/datum",
     "besluit/geldigTot", "betrokkene/bsn betrokkene/adres betrokkene/verblijfplaats contactpersoon"
     " besluit/burgemeester/hoedanigheid zorgaanbieder/locatie medischeVerklaring/arts/specialisme",
     {{"betrokkene/voorvoegsel", R"("")"}, {"betrokkene/adres/huisnummertoevoeging", R"("1")"},
      {"betrokkene/verblijfplaats/adres", ""}, {"contactpersoon/telefoon", ""},
      {"advocaat", kLawyer}},
     {{"grondslag", R"("dementie")"}, {"medischeVerklaring/arts/bigNummer", R"("123")"}}},
    {"wzd.inbewaringstelling.beeindigd", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a05",
     "IBS-0344-2026-000077", "burgemeester:0344:k.visser", "betrokkene/geboortedatum",
     "beeindiging/datumTijd", "betrokkene/bsn zorgaanbieder/locatie"
     " beeindiging/burgemeester/hoedanigheid",
     {{"betrokkene/voorvoegsel", R"("van")"}, {"betrokkene/adres", kHome},
      {"betrokkene/verblijfplaats", kStay}, {"contactpersoon", kContact}},
     {{"zorgaanbieder/agbCode", R"("0629")"}}},
  };
  return kEvents;
}
// clang-format on

const EventCase& eventCase(const std::string& type) {
  for (const EventCase& e : events()) {
    if (e.type == type) return e;
  }
  ADD_FAILURE() << "no event case " << type;
  return events().front();
}

struct Row {
  std::string event_type, partner, product;
  // Data minimisation: elements the product never has, event fields whose values it never has.
  std::string forbidden_elements, forbidden_values;
};
// The root element: the product name in camel case (kennisgeving-ibs -> kennisgevingIbs).
std::string rootOf(const Row& r) {
  std::string out;
  for (size_t i = 0; i < r.product.size(); ++i) {
    out += r.product[i] == '-' ? static_cast<char>(std::toupper(r.product[++i])) : r.product[i];
  }
  return out;
}
void PrintTo(const Row& r, std::ostream* os) { *os << r.partner << "/" << r.product; }

// clang-format off
const std::vector<Row>& catalogue() {
  static const std::vector<Row> kRows = {
    {"wvggz.crisismaatregel.genomen", "om", "kennisgeving-crisismaatregel",
     "contactpersoon advocaat toestemmingPvp",
     "betrokkene/adres/straat contactpersoon/naam contactpersoon/telefoon advocaat/naam"},
    {"wvggz.crisismaatregel.genomen", "igj", "melding-crisismaatregel",
     "adres bsn verblijfplaats contactpersoon advocaat toestemmingPvp",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam"},
    {"wvggz.crisismaatregel.genomen", "pvp", "informeren-pvp",
     "bsn geboortedatum geneeskundigeVerklaring verplichteZorg burgemeester contactpersoon "
     "advocaat",
     "betrokkene/bsn betrokkene/geboortedatum betrokkene/adres/straat contactpersoon/naam "
     "geneeskundigeVerklaring/psychiater/naam verplichteZorg/0/omschrijving advocaat/naam"},
    {"wvggz.crisismaatregel.genomen", "rvr", "verzoek-aanwijzing-advocaat",
     "geneeskundigeVerklaring verplichteZorg burgemeester contactpersoon toestemmingPvp",
     "betrokkene/adres/straat geneeskundigeVerklaring/psychiater/naam contactpersoon/naam"},
    {"wvggz.crisismaatregel.beeindigd", "om", "kennisgeving-beeindiging-crisismaatregel",
     "adres verblijfplaats contactpersoon advocaat toestemmingPvp",
     "betrokkene/adres/straat betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam"},
    {"wvggz.crisismaatregel.beeindigd", "igj", "melding-beeindiging-crisismaatregel",
     "adres bsn verblijfplaats contactpersoon advocaat toestemmingPvp",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam"},
    {"wvggz.crisismaatregel.beeindigd", "pvp", "informeren-pvp-beeindiging",
     "bsn geboortedatum adres verblijfplaats reden burgemeester contactpersoon advocaat",
     "betrokkene/bsn betrokkene/geboortedatum beeindiging/reden contactpersoon/naam"},
    {"wvggz.zorgmachtiging.aanvraag", "om", "aanvraag-voorbereiding-zorgmachtiging",
     "contactpersoon", "melder/naam contactpersoon/naam"},
    {"wzd.inbewaringstelling.genomen", "igj", "melding-ibs",
     "adres bsn verblijfplaats contactpersoon advocaat",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam"},
    {"wzd.inbewaringstelling.genomen", "rvr", "verzoek-aanwijzing-advocaat",
     "medischeVerklaring grondslag burgemeester contactpersoon",
     "betrokkene/adres/straat medischeVerklaring/arts/naam grondslag contactpersoon/naam"},
    {"wzd.inbewaringstelling.genomen", "ciz", "kennisgeving-ibs", "advocaat", "advocaat/naam"},
    {"wzd.inbewaringstelling.beeindigd", "igj", "melding-beeindiging-ibs",
     "adres bsn verblijfplaats contactpersoon",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam"},
    {"wzd.inbewaringstelling.beeindigd", "ciz", "kennisgeving-beeindiging-ibs",
     "adres verblijfplaats contactpersoon",
     "betrokkene/adres/straat betrokkene/verblijfplaats/naam contactpersoon/naam"},
  };
  return kRows;
}
// clang-format on

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= s.size();) {
    const size_t end = std::min(s.find(sep, pos), s.size());
    if (end > pos) out.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool isIndex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return isdigit(c); });
}

// JSON editing (order-preserving).

// Calls fn(parent, last part) for every parent reached by parts[i..n-2].
template <class Fn>
void forEachParent(json::value& v, const std::vector<std::string>& parts, size_t i, Fn&& fn) {
  if (i + 1 == parts.size()) return fn(v, parts[i]);
  json::value* child = nullptr;
  if (v.is_array() && parts[i] == "*") {
    for (json::value& e : v.as_array()) forEachParent(e, parts, i + 1, fn);
  } else if (v.is_object()) {
    child = v.as_object().if_contains(parts[i]);
  } else if (v.is_array() && isIndex(parts[i]) && std::stoul(parts[i]) < v.as_array().size()) {
    child = &v.as_array()[std::stoul(parts[i])];
  }
  if (child != nullptr) forEachParent(*child, parts, i + 1, fn);
}

void applyEdit(json::value& root, const Edit& edit) {
  bool found = false;
  forEachParent(root, split(edit.path, '/'), 0, [&](json::value& parent, const std::string& key) {
    if (!parent.is_object()) return;
    json::object& obj = parent.as_object();
    found = true;
    if (edit.value.empty()) {
      obj.stable_erase(key);
    } else {
      obj[key] = json::parse(edit.value);
    }
  });
  EXPECT_TRUE(found) << "edit path " << edit.path << " has no parent object";
}

// The string at a path ("" when absent or not a string).
std::string valueAt(json::value root, const std::string& path) {
  std::string out;
  forEachParent(root, split(path, '/'), 0, [&](json::value& parent, const std::string& key) {
    const json::value* v = nullptr;
    if (parent.is_object()) v = parent.as_object().if_contains(key);
    if (v != nullptr && v->is_string()) out = std::string(v->as_string());
  });
  return out;
}

// The example event with `edits` applied, after removing the space-separated paths `removed`.
json::value edited(const std::string& type, const std::vector<Edit>& edits,
                   const std::string& removed = "") {
  json::value v = json::parse(readFile(sourcePath("examples/events/" + type + ".json")));
  for (const std::string& path : split(removed, ' ')) applyEdit(v, {path, ""});
  for (const Edit& e : edits) applyEdit(v, e);
  return v;
}

Result<Document> toEventXml(const json::value& v) {
  auto xml = jsonToXml(json::serialize(v));
  if (!xml) return unexpected(xml.error());
  return Document::parseTrusted(*xml);
}

// Schemas and stylesheets, loaded once per path.
template <class T>
std::shared_ptr<const T> load(const std::string& relative) {
  static std::map<std::string, std::shared_ptr<const T>> cache;
  auto& slot = cache[relative];
  if (!slot) {
    auto loaded = T::load(sourcePath(relative));
    EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
    if (loaded) slot = *loaded;
  }
  return slot;
}

// The standard stylesheet parameters; `name` (if given) gets `value` instead.
Stylesheet::Params params(const Row& row, const std::string& name = "", const std::string& v = "") {
  const EventCase& e = eventCase(row.event_type);
  const std::string delivery = "d-" + e.message_id.substr(0, 8) + "-" + row.partner;
  // clang-format off
  Stylesheet::Params p = {
      {"message-id", e.message_id}, {"case-id", e.case_id}, {"event-type", row.event_type},
      {"actor", e.actor}, {"delivery-id", delivery + "-" + row.product},
      {"sent-at", "2026-11-22T00:01:00Z"}, {"sender-oin", "00000001002220647000"},
      {"sender-name", "Gemeente Utrecht"}, {"receiver", row.partner}};
  // clang-format on
  for (auto& [key, value] : p) {
    if (key == name) value = v;
  }
  return p;
}

// A gtest-friendly name: every character that is not alphanumeric becomes '_'.
std::string testName(std::string s) {
  for (char& c : s) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

bool hasElement(const std::string& xml, const std::string& local_name) {
  return std::regex_search(xml, std::regex("<(\\w+:)?" + local_name + "[\\s>/]"));
}

std::string xslOf(const Row& r) { return "mappings/" + r.partner + "/" + r.product + ".xsl"; }
std::string xsdOf(const Row& r) { return "schemas/" + r.partner + "/" + r.product + ".xsd"; }

const Row& rowFor(const std::string& event_type, const std::string& partner) {
  for (const Row& r : catalogue()) {
    if (r.event_type == event_type && r.partner == partner) return r;
  }
  ADD_FAILURE() << "no row " << event_type << " " << partner;
  return catalogue().front();
}

// Maps an event; the product's text, or "error <code>: <message>".
std::string mapped(const std::string& xsl, const json::value& event, const Stylesheet::Params& p) {
  auto doc = toEventXml(event);
  auto style = load<Stylesheet>(xsl);
  if (!doc || !style) return "error: cannot load the event or " + xsl;
  auto r = style->apply(*doc, p);
  return r ? r->serialize() : "error " + r.error().code + ": " + r.error().message;
}

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
  // Event JSON -> event XML (validated) -> product (validated); returns the product text.
  static std::string mapAndValidate(const json::value& event) {
    const Row& row = GetParam();
    auto doc = toEventXml(event);
    auto event_schema = load<Schema>("schemas/events/" + row.event_type + ".xsd");
    auto product_schema = load<Schema>(xsdOf(GetParam()));
    auto xsl = load<Stylesheet>(xslOf(row));
    EXPECT_TRUE(doc.has_value() && event_schema && product_schema && xsl);
    if (!doc || !event_schema || !product_schema || !xsl) return {};
    auto ev = event_schema->validate(*doc);
    EXPECT_TRUE(ev.has_value()) << "event: " << ev.error().message;
    auto product = xsl->apply(*doc, params(row));
    EXPECT_TRUE(product.has_value()) << product.error().message;
    if (!product) return {};
    const std::string text = product->serialize();
    auto valid = product_schema->validate(*product);
    EXPECT_TRUE(valid.has_value()) << "product: " << valid.error().message << "\n" << text;
    EXPECT_EQ(product->rootName(), rootOf(row));
    return text;
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

TEST(ProductCatalogue, PatientAdvocateProductsNeedConsent) {
  for (const Row& row : catalogue()) {
    if (row.partner != "pvp") continue;
    const json::value event = edited(row.event_type, {{"betrokkene/toestemmingPvp", "false"}});
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

}  // namespace
}  // namespace hub::xml
