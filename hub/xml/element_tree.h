#pragma once
// ElementTree: a read-only copy of a Document as plain values (element names, namespaces,
// attributes, text, children), for readers outside hub/xml that need more than document_query.h
// (e.g. the print channel's letter model reader) without including libxml2.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/result.h"
#include "hub/xml/document.h"

namespace hub::xml {

struct Element {
  std::string ns;                                               // namespace URI, "" for none
  std::string name;                                             // local name
  std::vector<std::pair<std::string, std::string>> attributes;  // local name -> value, in order
  std::string text;  // concatenated direct text and CDATA children (not of descendants)
  std::vector<Element> children;  // element children, in document order

  // The value of an attribute by local name, nullptr when absent.
  const std::string* attribute(const std::string& local_name) const {
    for (const auto& [k, v] : attributes)
      if (k == local_name) return &v;
    return nullptr;
  }
};

// The root element as a tree. errc::kInvalidInput when there is no root, when the tree is deeper
// than max_depth or has more than max_elements elements.
Result<Element> elementTree(const Document& doc, size_t max_depth = 32,
                            size_t max_elements = 100000);

}  // namespace hub::xml
