#include "hub/xml/document_query.h"

#include <libxml/tree.h>

namespace hub::xml {
namespace {

std::string textOf(xmlNodePtr n) {
  xmlChar* content = xmlNodeGetContent(n);
  std::string out = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return out;
}

bool named(xmlNodePtr n, std::string_view name) {
  return n->type == XML_ELEMENT_NODE && n->name && name == reinterpret_cast<const char*>(n->name);
}

xmlNodePtr firstChild(xmlNodePtr parent, std::string_view name) {
  for (xmlNodePtr n = parent->children; n; n = n->next)
    if (named(n, name)) return n;
  return nullptr;
}

bool isNil(xmlNodePtr n) {
  xmlChar* v =
      xmlGetNsProp(n, BAD_CAST "nil", BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
  bool nil = v && std::string_view(reinterpret_cast<const char*>(v)) == "true";
  xmlFree(v);
  return nil;
}

void collect(xmlNodePtr n, std::string_view name, std::vector<std::string>& out) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (named(n, name)) out.push_back(textOf(n));
    collect(n->children, name, out);
  }
}

void paths(xmlNodePtr n, const std::string& prefix, std::string_view name,
           std::vector<std::string>& out) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || !n->name) continue;
    std::string here = prefix + "/" + reinterpret_cast<const char*>(n->name);
    if (named(n, name)) out.push_back(here);
    paths(n->children, here, name, out);
  }
}

}  // namespace

std::string rootChildText(const Document& doc, std::string_view local_name) {
  xmlNodePtr root = xmlDocGetRootElement(doc.raw());
  if (!root) return "";
  xmlNodePtr n = firstChild(root, local_name);
  return n ? textOf(n) : "";
}

std::optional<std::string> elementText(const Document& doc, std::string_view path) {
  xmlNodePtr n = xmlDocGetRootElement(doc.raw());
  if (!n || path.empty() || path[0] != '/') return std::nullopt;
  size_t pos = 1;
  while (pos <= path.size() && n) {
    size_t next = path.find('/', pos);
    std::string_view step =
        path.substr(pos, next == std::string_view::npos ? path.npos : next - pos);
    n = firstChild(n, step);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  if (!n || isNil(n)) return std::nullopt;
  return textOf(n);
}

std::vector<std::string> allElementTexts(const Document& doc, std::string_view local_name) {
  std::vector<std::string> out;
  collect(xmlDocGetRootElement(doc.raw()), local_name, out);
  return out;
}

ChildRecords rootChildRecords(const Document& doc, std::string_view local_name) {
  ChildRecords out;
  xmlNodePtr root = xmlDocGetRootElement(doc.raw());
  if (!root) return out;
  for (xmlNodePtr n = root->children; n; n = n->next) {
    if (!named(n, local_name)) continue;
    auto& rec = out.records.emplace_back();
    for (xmlNodePtr c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE || !c->name) continue;
      std::string_view text;
      xmlNodePtr t = c->children;
      if (!t) {
        text = {};
      } else if (t->type == XML_TEXT_NODE && !t->next && t->content) {
        text = reinterpret_cast<const char*>(t->content);  // one text node: a view, no copy
      } else {
        text = out.owned.emplace_back(textOf(c));
      }
      rec[reinterpret_cast<const char*>(c->name)] = text;
    }
  }
  return out;
}

std::vector<std::string> elementPaths(const Document& doc, std::string_view local_name) {
  std::vector<std::string> out;
  xmlNodePtr root = xmlDocGetRootElement(doc.raw());
  if (root) paths(root->children, "", local_name, out);
  return out;
}

}  // namespace hub::xml
