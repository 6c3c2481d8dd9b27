#include "hub/xml/document.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <climits>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/xml/error_sink.h"

namespace hub::xml {
namespace {

using ParserCtxtPtr = CPtr<xmlParserCtxt, xmlFreeParserCtxt>;

// The one set of parser options for every document the hub reads. Deliberately absent:
// XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_DTDVALID, XML_PARSE_HUGE.
constexpr int kParseOptions = XML_PARSE_NONET;

internal::ErrorSink* sinkOf(void* ctx) {
  return static_cast<internal::ErrorSink*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

// SAX hook: called as soon as <!DOCTYPE name ...> is read, before any declaration inside it.
void refuseDoctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  sinkOf(ctx)->dtd_seen = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

void parserError(void* ctx, xmlErrorPtr err) {
  if (err != nullptr) sinkOf(ctx)->add(*err);
}

}  // namespace

void Document::Free::operator()(_xmlDoc* d) const { xmlFreeDoc(d); }

Document Document::adopt(_xmlDoc* doc) { return Document(doc); }

Result<Document> Document::parseUntrusted(std::string_view bytes, size_t max_bytes) {
  if (bytes.size() > max_bytes) {
    return unexpected(errc::kTooLarge, "XML document of " + std::to_string(bytes.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(max_bytes) + " bytes");
  }
  return parse(bytes);
}

Result<Document> Document::parseTrusted(std::string_view bytes) { return parse(bytes); }

Result<Document> Document::parse(std::string_view bytes) {
  if (bytes.empty()) return unexpected(errc::kNotXml, "empty document");
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return unexpected(errc::kTooLarge, "XML document too large");
  }
  ParserCtxtPtr ctxt(xmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size())));
  if (!ctxt) return unexpected(errc::kNotXml, "cannot create XML parser context");
  internal::ErrorSink sink;
  ctxt->_private = &sink;
  ctxt->sax->initialized = XML_SAX2_MAGIC;
  ctxt->sax->serror = parserError;
  ctxt->sax->internalSubset = refuseDoctype;
  xmlCtxtUseOptions(ctxt.get(), kParseOptions);
  xmlParseDocument(ctxt.get());
  Document doc(ctxt->myDoc);  // owns whatever was built, freed on every error path
  ctxt->myDoc = nullptr;
  if (sink.dtd_seen || (doc.raw() != nullptr &&
                        (doc.raw()->intSubset != nullptr || doc.raw()->extSubset != nullptr))) {
    return unexpected(errc::kForbiddenDtd,
                      "document carries a DTD (<!DOCTYPE>); DTDs and entity declarations are "
                      "refused");
  }
  if (!ctxt->wellFormed || sink.errors > 0 || doc.raw() == nullptr ||
      xmlDocGetRootElement(doc.raw()) == nullptr) {
    std::string why = sink.summary(/*with_column=*/true);
    if (why.empty()) why = "not well-formed";
    return unexpected(errc::kNotXml, why);
  }
  return doc;
}

std::string Document::serialize() const {
  if (!doc_) return {};
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc_.get(), &mem, &size, "UTF-8", 0);
  std::string out;
  if (mem != nullptr) {
    out.assign(reinterpret_cast<const char*>(mem), static_cast<size_t>(size));
    xmlFree(mem);
  }
  return out;
}

std::string Document::rootName() const {
  const xmlNode* root = doc_ ? xmlDocGetRootElement(doc_.get()) : nullptr;
  return root != nullptr ? reinterpret_cast<const char*>(root->name) : std::string();
}

}  // namespace hub::xml
