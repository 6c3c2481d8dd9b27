#pragma once
// Small read-only queries on a parsed Document (no XPath engine needed on the hot path).
#include <string>
#include <string_view>

#include "hub/xml/document.h"

namespace hub::xml {

// Text content of the first child element of the root with this local name ("" if absent).
std::string rootChildText(const Document& doc, std::string_view local_name);

}  // namespace hub::xml
