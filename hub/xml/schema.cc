#include "hub/xml/schema.h"

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <unistd.h>

#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/xml/error_sink.h"

namespace hub::xml {
namespace {

using SchemaParserCtxtPtr = CPtr<xmlSchemaParserCtxt, xmlSchemaFreeParserCtxt>;
using SchemaValidCtxtPtr = CPtr<xmlSchemaValidCtxt, xmlSchemaFreeValidCtxt>;

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
  sink.with_path = true;  // messages name the element path; the sink keeps values out of them
  xmlSchemaSetValidStructuredErrors(vctxt.get(), internal::collectError, &sink);
  const int rc = xmlSchemaValidateDoc(vctxt.get(), doc.raw());
  if (rc == 0 && sink.errors == 0) return {};
  std::string why = sink.summary(/*with_column=*/false);
  if (why.empty()) why = "validation failed (libxml2 code " + std::to_string(rc) + ")";
  return unexpected(errc::kSchemaViolation, why);
}

}  // namespace hub::xml
