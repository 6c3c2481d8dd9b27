#pragma once
// Exclusive XML canonicalisation (http://www.w3.org/2001/10/xml-exc-c14n#, without comments) with
// libxml2's C14N: of a whole document, and of one element's subtree within its document.
#include <string>

#include "hub/core/result.h"

struct _xmlDoc;
struct _xmlNode;

namespace hub::dsig {

// The whole document (what a same-document Reference URI="" covers, comments excluded).
Result<std::string> exclusiveC14n(_xmlDoc* doc);

// `element` and its descendants only, rendered with the namespaces it visibly uses from its
// ancestors (as ds:SignedInfo is canonicalised for the signature value).
Result<std::string> exclusiveC14nSubtree(_xmlDoc* doc, const _xmlNode* element);

}  // namespace hub::dsig
