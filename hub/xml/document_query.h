#pragma once
// Small read-only queries on a parsed Document (no XPath engine needed on the hot path).
#include <deque>
#include <map>
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

// Every child element of the root with this local name, each as {child name: text} of its own
// child elements (e.g. the documenten of an event), in document order. The texts are views into
// the document where it holds them in one piece (no copy of a multi-megabyte base64 text), else
// into `owned`: valid while both the document and the result live.
struct ChildRecords {
  std::vector<std::map<std::string, std::string_view, std::less<>>> records;
  std::deque<std::string> owned;
};
ChildRecords rootChildRecords(const Document& doc, std::string_view local_name);

// The element path ("/betrokkene/adres/x") of every element with this local name.
std::vector<std::string> elementPaths(const Document& doc, std::string_view local_name);

}  // namespace hub::xml
