#include "hub/xml/schema.h"

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <unistd.h>

#include <string_view>
#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/xml/error_sink.h"

namespace hub::xml {
namespace {

using SchemaParserCtxtPtr = CPtr<xmlSchemaParserCtxt, xmlSchemaFreeParserCtxt>;
using SchemaValidCtxtPtr = CPtr<xmlSchemaValidCtxt, xmlSchemaFreeValidCtxt>;

std::string collapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

// The value of the node an error is about (leaf element text or attribute value), if any.
std::string nodeValue(const xmlNode* node) {
  if (node == nullptr) return {};
  if (node->type == XML_ELEMENT_NODE) {
    for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (c->type == XML_ELEMENT_NODE) return {};  // not a leaf: no single value to hide
    }
  } else if (node->type != XML_ATTRIBUTE_NODE) {
    return {};
  }
  xmlChar* content = xmlNodeGetContent(node);
  std::string value = content != nullptr ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return value;
}

// Drops "Element 'x': " (the path says it better) and every quoted copy of the node's value:
// element values may hold personal data (a BSN, a name) and never go into an error message.
std::string redact(const _xmlError& err, std::string msg) {
  if (msg.rfind("Element '", 0) == 0) {
    if (size_t end = msg.find("': "); end != std::string::npos) msg.erase(0, end + 3);
  }
  const std::string value = nodeValue(static_cast<const xmlNode*>(err.node));
  for (const std::string& v : {value, collapseSpace(value)}) {
    if (!v.empty()) replaceAll(msg, "'" + v + "'", "'[value withheld]'");
  }
  return msg;
}

}  // namespace

void Schema::Free::operator()(_xmlSchema* s) const { xmlSchemaFree(s); }

Result<std::shared_ptr<const Schema>> Schema::load(const std::string& xsd_path) {
  if (::access(xsd_path.c_str(), R_OK) != 0) {
    return unexpected(errc::kConfig, xsd_path + ": cannot read the schema file");
  }
  SchemaParserCtxtPtr pctxt(xmlSchemaNewParserCtxt(xsd_path.c_str()));
  if (!pctxt) return unexpected(errc::kConfig, xsd_path + ": cannot create schema parser");
  internal::ErrorSink sink;
  sink.with_file = true;
  xmlSchemaSetParserStructuredErrors(pctxt.get(), internal::collectError, &sink);
  xmlSchemaPtr compiled = xmlSchemaParse(pctxt.get());
  if (compiled == nullptr || sink.errors > 0) {
    if (compiled != nullptr) xmlSchemaFree(compiled);
    std::string why = sink.summary(/*with_column=*/false);
    if (why.empty()) why = "does not compile";
    return unexpected(errc::kConfig, xsd_path + ": XSD error: " + why);
  }
  return std::shared_ptr<const Schema>(new Schema(xsd_path, compiled));
}

Result<void> Schema::validate(const Document& doc) const {
  if (doc.raw() == nullptr) return unexpected(errc::kSchemaViolation, "no document");
  SchemaValidCtxtPtr vctxt(xmlSchemaNewValidCtxt(schema_.get()));
  if (!vctxt) return unexpected(errc::kSchemaViolation, "cannot create validation context");
  internal::ErrorSink sink;
  sink.with_path = true;
  sink.rewrite = redact;
  xmlSchemaSetValidStructuredErrors(vctxt.get(), internal::collectError, &sink);
  const int rc = xmlSchemaValidateDoc(vctxt.get(), doc.raw());
  if (rc == 0 && sink.errors == 0) return {};
  std::string why = sink.summary(/*with_column=*/false);
  if (why.empty()) why = "validation failed (libxml2 code " + std::to_string(rc) + ")";
  return unexpected(errc::kSchemaViolation, why);
}

}  // namespace hub::xml
