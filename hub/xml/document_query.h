#pragma once
// Small read-only queries on a parsed Document (no XPath engine needed on the hot path).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/xml/document.h"

namespace hub::xml {

// Text content of the first child element of the root with this local name ("" if absent).
std::string rootChildText(const Document& doc, std::string_view local_name);

// Text of the element at an element path below the root ("/betrokkene/toestemmingPvp"); the
// first match at each step. nullopt when absent or when it is nil (xsi:nil="true").
std::optional<std::string> elementText(const Document& doc, std::string_view path);

// Texts of every element with this local name anywhere in the document, in document order.
std::vector<std::string> allElementTexts(const Document& doc, std::string_view local_name);

}  // namespace hub::xml
