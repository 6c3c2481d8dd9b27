#pragma once
// The documents an event carries (documenten[]: soort, bestandsnaam, mimeType, sha256, inhoud in
// base64), checked at intake before anything is planned: each must be a PDF whose SHA-256 is the
// declared one, and every kind the route requires (documents.required: the copy of the decision,
// the medical statement, the results of the exploratory investigation) must be there. Pure.
#include <optional>
#include <string>
#include <vector>

#include "hub/xml/document.h"

namespace hub::engine {

struct DocumentProblem {
  std::string where;  // JSON pointer, e.g. /documenten/1/sha256
  std::string what;   // without the document's content
};

std::optional<DocumentProblem> checkDocuments(const xml::Document& event,
                                              const std::vector<std::string>& required);

// Field names that were spelled otherwise once: the quarantine reason names the right one.
// nullopt when the event uses none of them; else where (JSON pointer) and the message.
std::optional<DocumentProblem> checkSpelling(const xml::Document& event);

}  // namespace hub::engine
