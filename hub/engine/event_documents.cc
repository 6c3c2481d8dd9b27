#include "hub/engine/event_documents.h"

#include <algorithm>
#include <map>

#include "hub/tls/digest.h"
#include "hub/xml/document_query.h"

namespace hub::engine {
namespace {

const std::map<std::string, std::string>& documentKinds() {
  static const std::map<std::string, std::string> kinds = {
      {"besluit", "the copy of the decision"},
      {"medische-verklaring", "the medical statement"},
      {"onderzoeksresultaten", "the results of the exploratory investigation"},
  };
  return kinds;
}

std::string_view field(const std::map<std::string, std::string_view, std::less<>>& rec,
                       std::string_view name) {
  auto it = rec.find(name);
  return it == rec.end() ? std::string_view() : it->second;
}

}  // namespace

std::optional<DocumentProblem> checkDocuments(const xml::Document& event,
                                              const std::vector<std::string>& required) {
  auto all = xml::rootChildRecords(event, "documenten");
  const auto& docs = all.records;
  std::vector<std::string> present;
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto& d = docs[i];
    std::string at = "/documenten/" + std::to_string(i) + "/";
    if (field(d, "mimeType") != "application/pdf")
      return DocumentProblem{at + "mimeType", "must be application/pdf"};
    auto bytes = tls::base64Decode(field(d, "inhoud"));
    if (!bytes) return DocumentProblem{at + "inhoud", "is not valid base64"};
    if (bytes->rfind("%PDF-", 0) != 0)
      return DocumentProblem{at + "inhoud", "is not a PDF (it does not start with %PDF-)"};
    std::string_view declared = field(d, "sha256");
    if (tls::sha256Hex(*bytes) != declared)
      return DocumentProblem{at + "sha256", "does not match the SHA-256 of the decoded inhoud"};
    present.emplace_back(field(d, "soort"));
  }
  for (const auto& kind : required) {
    if (std::find(present.begin(), present.end(), kind) != present.end()) continue;
    auto it = documentKinds().find(kind);
    std::string what = it == documentKinds().end() ? kind : it->second + " (soort " + kind + ")";
    return DocumentProblem{"/documenten", "the law requires " + what + ", which is missing"};
  }
  return std::nullopt;
}

std::optional<DocumentProblem> checkSpelling(const xml::Document& event) {
  static const std::pair<const char*, const char*> kOld[] = {
      {"huisnummerToevoeging", "huisnummertoevoeging (one word, lower case)"},
  };
  for (const auto& [old, right] : kOld) {
    auto paths = xml::elementPaths(event, old);
    if (!paths.empty())
      return DocumentProblem{paths.front(), std::string("unknown field; it is spelled ") + right};
  }
  return std::nullopt;
}

}  // namespace hub::engine
