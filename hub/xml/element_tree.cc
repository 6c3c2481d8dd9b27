#include "hub/xml/element_tree.h"

#include <libxml/tree.h>

#include "hub/core/error_codes.h"

namespace hub::xml {
namespace {

std::string str(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

struct Builder {
  size_t max_depth;
  size_t max_elements;
  size_t elements = 0;

  Result<Element> build(xmlNodePtr node, size_t depth) {
    if (depth > max_depth) return unexpected(errc::kInvalidInput, "XML nested too deeply");
    if (++elements > max_elements) return unexpected(errc::kInvalidInput, "too many elements");
    Element e;
    e.name = str(node->name);
    if (node->ns) e.ns = str(node->ns->href);
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
      xmlChar* v = xmlNodeListGetString(node->doc, a->children, 1);
      e.attributes.emplace_back(str(a->name), str(v));
      xmlFree(v);
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        e.text += str(c->content);
      } else if (c->type == XML_ELEMENT_NODE) {
        auto child = build(c, depth + 1);
        if (!child) return child;
        e.children.push_back(std::move(*child));
      }
    }
    return e;
  }
};

}  // namespace

Result<Element> elementTree(const Document& doc, size_t max_depth, size_t max_elements) {
  xmlNodePtr root = doc.raw() ? xmlDocGetRootElement(doc.raw()) : nullptr;
  if (!root) return unexpected(errc::kInvalidInput, "document has no root element");
  return Builder{max_depth, max_elements}.build(root, 0);
}

}  // namespace hub::xml
