#pragma once
// The event catalogue as the catalogue tests see it (docs/products.md, routes/*.yaml,
// examples/events/README.md): the event cases and their variants, the (event type, partner,
// product) rows with what each product must never carry and the documents it carries, and the
// helpers that edit example events and map them. Shared by catalogue_test.cc,
// catalogue_documents_test.cc and catalogue_docs_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <ostream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/error_codes.h"
#include "hub/xml/document.h"
#include "hub/xml/json_to_xml.h"
#include "hub/xml/schema.h"
#include "hub/xml/stylesheet.h"
#include "tests/unit/xml/xml_test_support.h"

namespace hub::xml::catalogue {

namespace json = boost::json;
using testing::readFile;
using testing::sourcePath;

// The catalogue, hard-coded (routes/*.yaml, docs/products.md and examples/events/README.md).

// A JSON edit: remove the member at `path` (value ""), set it to `value` (JSON text; a new key
// goes last), or with kMoveLast move an existing member to the end (an event root that is an
// xs:sequence wants the members it adds before the ones that follow them: documenten is last).
// Paths use '/'; a number is an array index, '*' every array element.
struct Edit {
  std::string path, value;
};
inline const std::string kMoveLast = "<move last>";

struct EventCase {
  std::string type, message_id, case_id, actor;
  std::string date_path;      // an xs:date field
  std::string datetime_path;  // an xs:dateTime field ("" when the event has none)
  std::string minimal;        // space-separated paths: removing them removes every optional field
  std::vector<Edit> rich;     // adds optional fields the example lacks, drops inner optional ones
  std::vector<Edit> rejects;  // event-specific mistakes the schema must refuse
};
inline void PrintTo(const EventCase& e, std::ostream* os) { *os << e.type; }

// Optional blocks the rich variants add (synthetic data).
inline const std::string kHome =
    R"({"straat": "Thuisweg", "huisnummer": "1", "woonplaats": "Houten"})";
inline const std::string kStay =
    R"({"naam": "Verblijf", "adres": {"straat": "Verblijfweg", )"
    R"("huisnummer": "7", "postcode": "3700 AA", "woonplaats": "Zeist"}})";
inline const std::string kLawyer =
    R"({"naam": "mr. T. Advocaat", "kantoor": "Recht", "telefoon": "1"})";
inline const std::string kContact = R"({"naam": "C. Contact", "telefoon": "06 00000000"})";

// clang-format off
inline const std::vector<EventCase>& events() {
  static const std::vector<EventCase> kEvents = {
    {"wvggz.crisismaatregel.genomen", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01",
     "CM-0344-2026-000123", "burgemeester:0344:j.devries", "betrokkene/geboortedatum",
     "besluit/datumTijd", "betrokkene/bsn betrokkene/voorvoegsel betrokkene/adres contactpersoon "
     "betrokkene/verblijfplaats besluit/burgemeester/hoedanigheid zorgaanbieder/locatie "
     "verplichteZorg/*/omschrijving documenten",
     {{"betrokkene/voorvoegsel", R"("")"}, {"betrokkene/adres/huisnummertoevoeging", R"("A")"},
      {"betrokkene/verblijfplaats/adres/huisnummertoevoeging", R"("bis")"},
      {"betrokkene/verblijfplaats/adres/postcode", ""}, {"contactpersoon", ""},  // root order:
      {"advocaat", kLawyer}, {"contactpersoon", R"({"naam": "C. Contact"})"},   // advocaat,
      {"documenten", kMoveLast}},                                                // then the rest
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
     "betrokkene/bsn betrokkene/adres aanvraag/behandelaar melder gegevensVerkennendOnderzoek "
     "documenten",
     {{"betrokkene/voorvoegsel", R"("de")"}, {"betrokkene/adres/postcode", ""},
      {"betrokkene/verblijfplaats", kStay}, {"aanvraag/behandelaar/functie", ""},
      {"contactpersoon", kContact}, {"melding", kMoveLast}, {"documenten", kMoveLast}},
     {{"betrokkene/adres/huisnummerToevoeging", R"("B")"},  // spelled huisnummertoevoeging
      {"gegevensVerkennendOnderzoek/0/beschikbaar", R"("ja")"},
      {"melding/datumOntvangst", R"("10-11-2026")"}, {"melding", ""}}},  // required
    {"wzd.inbewaringstelling.genomen", "7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a04",
     "IBS-0344-2026-000077", "burgemeester:0344:k.visser", "medischeVerklaring/datum",
     "besluit/geldigTot", "betrokkene/bsn betrokkene/adres betrokkene/verblijfplaats contactpersoon"
     " besluit/burgemeester/hoedanigheid zorgaanbieder/locatie medischeVerklaring/arts/specialisme"
     " documenten",
     {{"betrokkene/voorvoegsel", R"("")"}, {"betrokkene/adres/huisnummertoevoeging", R"("1")"},
      {"betrokkene/verblijfplaats/adres", ""}, {"contactpersoon/telefoon", ""},
      {"advocaat", kLawyer}, {"contactpersoon", kMoveLast}, {"documenten", kMoveLast}},
     {{"grondslag", R"("dementie")"}, {"medischeVerklaring/arts/bigNummer", R"("123")"},
      {"betrokkene/adres/huisnummerToevoeging", R"("1")"}}},
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

inline const EventCase& eventCase(const std::string& type) {
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
  // The kinds of document (documenten/soort) the product carries, space-separated; "" for none
  // (the RvR and the PvP never get one).
  std::string documents;
};
// The root element: the product name in camel case (kennisgeving-ibs -> kennisgevingIbs).
inline std::string rootOf(const Row& r) {
  std::string out;
  for (size_t i = 0; i < r.product.size(); ++i) {
    out += r.product[i] == '-' ? static_cast<char>(std::toupper(r.product[++i])) : r.product[i];
  }
  return out;
}
inline void PrintTo(const Row& r, std::ostream* os) { *os << r.partner << "/" << r.product; }

// clang-format off
inline const std::vector<Row>& catalogue() {
  // The documents' content, digests and names, which a product without documents must not have.
  static const std::string kDocs = " documenten/0/inhoud documenten/0/sha256 documenten/1/inhoud"
                                   " documenten/1/sha256 documenten/0/bestandsnaam";
  static const std::vector<Row> kRows = {
    {"wvggz.crisismaatregel.genomen", "om", "kennisgeving-crisismaatregel",
     "contactpersoon advocaat toestemmingPvp",
     "betrokkene/adres/straat contactpersoon/naam contactpersoon/telefoon advocaat/naam",
     "besluit medische-verklaring"},
    {"wvggz.crisismaatregel.genomen", "igj", "melding-crisismaatregel",
     "adres bsn verblijfplaats contactpersoon advocaat toestemmingPvp",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam",
     "besluit medische-verklaring"},
    {"wvggz.crisismaatregel.genomen", "pvp", "informeren-pvp",
     "bsn geboortedatum geneeskundigeVerklaring verplichteZorg burgemeester contactpersoon "
     "advocaat documenten document inhoud",
     "betrokkene/bsn betrokkene/geboortedatum betrokkene/adres/straat contactpersoon/naam "
     "geneeskundigeVerklaring/psychiater/naam verplichteZorg/0/omschrijving advocaat/naam" + kDocs,
     ""},
    {"wvggz.crisismaatregel.genomen", "rvr", "verzoek-aanwijzing-advocaat",
     "geneeskundigeVerklaring verplichteZorg burgemeester contactpersoon toestemmingPvp "
     "documenten document inhoud",
     "betrokkene/adres/straat geneeskundigeVerklaring/psychiater/naam contactpersoon/naam" + kDocs,
     ""},
    {"wvggz.crisismaatregel.beeindigd", "om", "kennisgeving-beeindiging-crisismaatregel",
     "adres verblijfplaats contactpersoon advocaat toestemmingPvp documenten",
     "betrokkene/adres/straat betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam", ""},
    {"wvggz.crisismaatregel.beeindigd", "igj", "melding-beeindiging-crisismaatregel",
     "adres bsn verblijfplaats contactpersoon advocaat toestemmingPvp documenten",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam", ""},
    {"wvggz.crisismaatregel.beeindigd", "pvp", "informeren-pvp-beeindiging",
     "bsn geboortedatum adres verblijfplaats reden burgemeester contactpersoon advocaat documenten",
     "betrokkene/bsn betrokkene/geboortedatum beeindiging/reden contactpersoon/naam", ""},
    {"wvggz.zorgmachtiging.aanvraag", "om", "aanvraag-voorbereiding-zorgmachtiging",
     "contactpersoon melding datumOntvangst", "melder/naam contactpersoon/naam",
     "onderzoeksresultaten"},
    {"wzd.inbewaringstelling.genomen", "igj", "melding-ibs",
     "adres bsn verblijfplaats contactpersoon advocaat",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam advocaat/naam",
     "besluit medische-verklaring"},
    {"wzd.inbewaringstelling.genomen", "rvr", "verzoek-aanwijzing-advocaat",
     "medischeVerklaring grondslag burgemeester contactpersoon documenten document inhoud",
     "betrokkene/adres/straat medischeVerklaring/arts/naam grondslag contactpersoon/naam" + kDocs,
     ""},
    {"wzd.inbewaringstelling.genomen", "ciz", "kennisgeving-ibs", "advocaat", "advocaat/naam",
     "besluit medische-verklaring"},
    {"wzd.inbewaringstelling.beeindigd", "igj", "melding-beeindiging-ibs",
     "adres bsn verblijfplaats contactpersoon documenten",
     "betrokkene/bsn betrokkene/verblijfplaats/naam contactpersoon/naam", ""},
    {"wzd.inbewaringstelling.beeindigd", "ciz", "kennisgeving-beeindiging-ibs",
     "adres verblijfplaats contactpersoon documenten",
     "betrokkene/adres/straat betrokkene/verblijfplaats/naam contactpersoon/naam", ""},
  };
  return kRows;
}
// clang-format on

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= s.size();) {
    const size_t end = std::min(s.find(sep, pos), s.size());
    if (end > pos) out.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

inline bool isIndex(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return isdigit(c); });
}

// JSON editing (order-preserving).

// Calls fn(parent, last part) for every parent reached by parts[i..n-2].
template <class Fn>
inline void forEachParent(json::value& v, const std::vector<std::string>& parts, size_t i,
                          Fn&& fn) {
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

inline void applyEdit(json::value& root, const Edit& edit) {
  bool found = false;
  forEachParent(root, split(edit.path, '/'), 0, [&](json::value& parent, const std::string& key) {
    if (!parent.is_object()) return;
    json::object& obj = parent.as_object();
    if (edit.value == kMoveLast) {
      json::value* member = obj.if_contains(key);
      if (member == nullptr) return;
      json::value moved = std::move(*member);
      obj.stable_erase(key);
      obj[key] = std::move(moved);
    } else if (edit.value.empty()) {
      obj.stable_erase(key);
    } else {
      obj[key] = json::parse(edit.value);
    }
    found = true;
  });
  EXPECT_TRUE(found) << "edit path " << edit.path << " has no parent object";
}

// The string at a path ("" when absent or not a string).
inline std::string valueAt(json::value root, const std::string& path) {
  std::string out;
  forEachParent(root, split(path, '/'), 0, [&](json::value& parent, const std::string& key) {
    const json::value* v = nullptr;
    if (parent.is_object()) v = parent.as_object().if_contains(key);
    if (v != nullptr && v->is_string()) out = std::string(v->as_string());
  });
  return out;
}

// The example event with `edits` applied, after removing the space-separated paths `removed`.
inline json::value edited(const std::string& type, const std::vector<Edit>& edits,
                          const std::string& removed = "") {
  json::value v = json::parse(readFile(sourcePath("examples/events/" + type + ".json")));
  for (const std::string& path : split(removed, ' ')) applyEdit(v, {path, ""});
  for (const Edit& e : edits) applyEdit(v, e);
  return v;
}

inline Result<Document> toEventXml(const json::value& v) {
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
inline Stylesheet::Params params(const Row& row, const std::string& name = "",
                                 const std::string& v = "") {
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
inline std::string testName(std::string s) {
  for (char& c : s) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

inline bool hasElement(const std::string& xml, const std::string& local_name) {
  return std::regex_search(xml, std::regex("<(\\w+:)?" + local_name + "[\\s>/]"));
}

inline std::string xslOf(const Row& r) {
  return "mappings/" + r.partner + "/" + r.product + ".xsl";
}
inline std::string xsdOf(const Row& r) { return "schemas/" + r.partner + "/" + r.product + ".xsd"; }

inline const Row& rowFor(const std::string& event_type, const std::string& partner) {
  for (const Row& r : catalogue()) {
    if (r.event_type == event_type && r.partner == partner) return r;
  }
  ADD_FAILURE() << "no row " << event_type << " " << partner;
  return catalogue().front();
}

// Maps an event; the product's text, or "error <code>: <message>".
inline std::string mapped(const std::string& xsl, const json::value& event,
                          const Stylesheet::Params& p) {
  auto doc = toEventXml(event);
  auto style = load<Stylesheet>(xsl);
  if (!doc || !style) return "error: cannot load the event or " + xsl;
  auto r = style->apply(*doc, p);
  return r ? r->serialize() : "error " + r.error().code + ": " + r.error().message;
}

// Event JSON -> event XML (validated) -> the row's product (validated); the product's text.
inline std::string productText(const Row& row, const json::value& event) {
  auto doc = toEventXml(event);
  auto event_schema = load<Schema>("schemas/events/" + row.event_type + ".xsd");
  auto product_schema = load<Schema>(xsdOf(row));
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

// One document of an event or a product: soort, bestandsnaam, mimeType, sha256, inhoud.
using DocumentFields = std::map<std::string, std::string>;

inline std::vector<DocumentFields> eventDocuments(const json::value& event) {
  std::vector<DocumentFields> out;
  const json::value* docs = event.as_object().if_contains("documenten");
  if (docs == nullptr) return out;
  for (const json::value& d : docs->as_array()) {
    DocumentFields f;
    for (const auto& member : d.as_object()) {
      if (member.value().is_string()) f[member.key()] = std::string(member.value().as_string());
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace hub::xml::catalogue
