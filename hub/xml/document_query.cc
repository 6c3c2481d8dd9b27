#include "hub/xml/document_query.h"

#include <libxml/tree.h>

namespace hub::xml {

std::string rootChildText(const Document& doc, std::string_view local_name) {
  xmlNodePtr root = xmlDocGetRootElement(doc.raw());
  if (!root) return "";
  for (xmlNodePtr n = root->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || !n->name) continue;
    if (local_name != reinterpret_cast<const char*>(n->name)) continue;
    xmlChar* content = xmlNodeGetContent(n);
    std::string out = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return out;
  }
  return "";
}

}  // namespace hub::xml
