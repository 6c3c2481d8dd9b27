#include "hub/xml/error_sink.h"

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <vector>

namespace hub::xml::internal {
namespace {

std::string qualifiedName(const xmlNode* n) {
  std::string name;
  if (n->ns != nullptr && n->ns->prefix != nullptr) {
    name += reinterpret_cast<const char*>(n->ns->prefix);
    name += ':';
  }
  if (n->name != nullptr) name += reinterpret_cast<const char*>(n->name);
  return name;
}

// A node's name as libxml2's schema messages write it: {namespace}local.
std::string schemaMessageName(const xmlNode* n) {
  std::string name;
  if (n->ns != nullptr && n->ns->href != nullptr) {
    name = "{" + std::string(reinterpret_cast<const char*>(n->ns->href)) + "}";
  }
  if (n->name != nullptr) name += reinterpret_cast<const char*>(n->name);
  return name;
}

// The prefix libxml2's schema messages give an error about `n`.
std::string nodePrefix(const xmlNode* n) {
  if (n == nullptr) return {};
  if (n->type == XML_ELEMENT_NODE) return "Element '" + schemaMessageName(n) + "': ";
  if (n->type == XML_ATTRIBUTE_NODE && n->parent != nullptr) {
    return "Element '" + schemaMessageName(n->parent) + "', attribute '" + schemaMessageName(n) +
           "': ";
  }
  return {};
}

// libxml2 reports a schema error about an attribute on the attribute's element, naming the
// attribute in the message ("Element 'c', attribute 'at': "): the error is then about that
// attribute of the element, when it has one of that name.
const xmlNode* nodeInMessage(const xmlNode* node, std::string_view message) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return node;
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    const auto* attr = reinterpret_cast<const xmlNode*>(a);
    const std::string prefix = nodePrefix(attr);
    if (message.substr(0, prefix.size()) == prefix) return attr;
  }
  return node;
}

// The value of the node an error is about (leaf element text or attribute value), if any.
std::string nodeValue(const xmlNode* node) {
  if (node == nullptr) return {};
  if (node->type == XML_ELEMENT_NODE) {
    for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) return {};  // not a leaf: no single value
    }
  } else if (node->type != XML_ATTRIBUTE_NODE) {
    return {};
  }
  xmlChar* content = xmlNodeGetContent(node);
  std::string value = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return value;
}

// Second line of defence behind valueFreeMessage: should a message of a shape it does not know
// carry the node's value unquoted, that value (as written, trimmed, or whitespace-collapsed, as
// libxml2 may normalise it) is cut out. Short values are skipped: they would hit schema words.
std::string withoutNodeValue(std::string msg, const xmlNode* node) {
  const std::string value = nodeValue(node);
  std::string collapsed;
  for (char c : value) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space) {
      collapsed += c;
    } else if (!collapsed.empty() && collapsed.back() != ' ') {
      collapsed += ' ';
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  for (const std::string& v : {value, collapsed, withoutControls(value)}) {
    if (v.size() < 8) continue;
    for (size_t at = msg.find(v); at != std::string::npos; at = msg.find(v, at + 3)) {
      msg.replace(at, v.size(), "...");
    }
  }
  return msg;
}

std::string oneLine(const char* msg) {
  std::string s = msg != nullptr ? msg : "unknown error";
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string elementPath(const _xmlNode* node) {
  const xmlNode* n = node;
  std::string attr;
  if (n != nullptr && n->type == XML_ATTRIBUTE_NODE) {
    attr = "/@" + qualifiedName(n);
    n = n->parent;
  }
  while (n != nullptr && n->type != XML_ELEMENT_NODE) n = n->parent;
  std::vector<std::string> parts;
  for (; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
    parts.push_back(qualifiedName(n));
  }
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) path += "/" + *it;
  return path + attr;
}

void ErrorSink::add(const _xmlError& err) {
  if (err.level < XML_ERR_ERROR) return;  // warnings do not fail anything
  ++errors;
  if (entries.size() >= kKeep) return;
  const std::string_view raw = err.message != nullptr ? err.message : "unknown error";
  const xmlNode* node = nodeInMessage(static_cast<const xmlNode*>(err.node), raw);
  Entry e;
  e.line = err.line;
  e.column = err.int2;
  if (with_path && node != nullptr) {
    e.path = elementPath(node);
    if (e.line == 0) e.line = xmlGetLineNo(node);
  }
  if (with_file) {
    if (err.file != nullptr) e.file = err.file;
    e.message = oneLine(err.message);
  } else {
    e.message = withoutNodeValue(valueFreeMessage(raw, nodePrefix(node)), node);
  }
  entries.push_back(std::move(e));
}

std::string ErrorSink::summary(bool with_column) const {
  std::string out;
  for (const Entry& e : entries) {
    if (!out.empty()) out += "; ";
    if (!e.file.empty()) out += e.file + ": ";
    if (e.line > 0) {
      out += "line " + std::to_string(e.line);
      if (with_column && e.column > 0) out += " col " + std::to_string(e.column);
      out += ": ";
    }
    if (!e.path.empty()) out += e.path + ": ";
    out += e.message;
  }
  if (errors > entries.size()) {
    out += " (and " + std::to_string(errors - entries.size()) + " more)";
  }
  return out;
}

void collectError(void* user_data, _xmlError* err) {
  if (user_data != nullptr && err != nullptr) static_cast<ErrorSink*>(user_data)->add(*err);
}

}  // namespace hub::xml::internal
