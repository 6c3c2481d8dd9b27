#include "hub/xml/error_sink.h"

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
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

std::string oneLine(const char* msg) {
  std::string s = msg != nullptr ? msg : "unknown error";
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';  // quoted input, too
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
  Entry e;
  e.line = err.line;
  e.column = err.int2;
  if (with_path && err.node != nullptr) {
    e.path = elementPath(static_cast<const xmlNode*>(err.node));
    if (e.line == 0) e.line = xmlGetLineNo(static_cast<const xmlNode*>(err.node));
  }
  if (with_file && err.file != nullptr) e.file = err.file;
  e.message = oneLine(err.message);
  if (rewrite) e.message = rewrite(err, std::move(e.message));
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
