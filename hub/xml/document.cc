#include "hub/xml/document.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <climits>
#include <utility>

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

// The size bound of untrusted input (parseUntrusted, checkWellFormed).
Result<void> withinLimit(std::string_view bytes, size_t max_bytes) {
  if (bytes.size() <= max_bytes) return {};
  return unexpected(errc::kTooLarge, "XML document of " + std::to_string(bytes.size()) +
                                         " bytes exceeds the limit of " +
                                         std::to_string(max_bytes) + " bytes");
}

}  // namespace

void Document::Free::operator()(_xmlDoc* d) const { xmlFreeDoc(d); }

Document Document::adopt(_xmlDoc* doc) { return Document(doc); }

Result<Document> Document::parseUntrusted(std::string_view bytes, size_t max_bytes) {
  if (auto r = withinLimit(bytes, max_bytes); !r) return unexpected(r.error());
  return parse(bytes);
}

Result<Document> Document::parseTrusted(std::string_view bytes) { return parse(bytes); }

namespace {

struct ParseRun {
  ParserCtxtPtr ctxt;
  internal::ErrorSink sink;
};

// SAX hook for checkWellFormed: notes that there is a root element and builds nothing.
void noteElement(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**,
                 int, int, const xmlChar**) {
  sinkOf(ctx)->element_seen = true;
}

// Runs libxml2 over `bytes` with the hub's parser options and DTD refusal; with build_tree false
// every tree-building SAX callback is removed (well-formedness, namespaces and entity references
// are still checked by the parser itself).
Result<void> runParser(std::string_view bytes, bool build_tree, ParseRun& run) {
  if (bytes.empty()) return unexpected(errc::kNotXml, "empty document");
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return unexpected(errc::kTooLarge, "XML document too large");
  }
  run.ctxt.reset(xmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size())));
  if (!run.ctxt) return unexpected(errc::kNotXml, "cannot create XML parser context");
  xmlParserCtxtPtr ctxt = run.ctxt.get();
  ctxt->_private = &run.sink;
  ctxt->sax->initialized = XML_SAX2_MAGIC;
  ctxt->sax->serror = parserError;
  ctxt->sax->internalSubset = refuseDoctype;
  if (!build_tree) {
    xmlSAXHandler* sax = ctxt->sax;
    sax->startDocument = nullptr;
    sax->endDocument = nullptr;
    sax->startElementNs = noteElement;
    sax->endElementNs = nullptr;
    sax->startElement = nullptr;
    sax->endElement = nullptr;
    sax->characters = nullptr;
    sax->ignorableWhitespace = nullptr;
    sax->cdataBlock = nullptr;
    sax->comment = nullptr;
    sax->processingInstruction = nullptr;
    sax->reference = nullptr;
    sax->getEntity = nullptr;
  }
  xmlCtxtUseOptions(ctxt, kParseOptions);
  xmlParseDocument(ctxt);
  return {};
}

Result<void> verdict(ParseRun& run, xmlDocPtr doc, bool has_root) {
  if (run.sink.dtd_seen ||
      (doc != nullptr && (doc->intSubset != nullptr || doc->extSubset != nullptr))) {
    return unexpected(errc::kForbiddenDtd,
                      "document carries a DTD (<!DOCTYPE>); DTDs and entity declarations are "
                      "refused");
  }
  if (!run.ctxt->wellFormed || run.sink.errors > 0 || !has_root) {
    std::string why = run.sink.summary(/*with_column=*/true);
    if (why.empty()) why = "not well-formed";
    return unexpected(errc::kNotXml, why);
  }
  return {};
}

}  // namespace

Result<void> Document::checkWellFormed(std::string_view bytes, size_t max_bytes) {
  if (auto r = withinLimit(bytes, max_bytes); !r) return r;
  ParseRun run;
  if (auto r = runParser(bytes, false, run); !r) return r;
  // libxml2 may build a document even without tree callbacks (an entity declaration read after a
  // fatal error makes one "for SAX compatibility"); nothing owns it but us.
  xmlFreeDoc(std::exchange(run.ctxt->myDoc, nullptr));
  return verdict(run, nullptr, run.sink.element_seen);
}

Result<Document> Document::parse(std::string_view bytes) {
  ParseRun run;
  if (auto r = runParser(bytes, true, run); !r) return unexpected(r.error());
  Document doc(run.ctxt->myDoc);  // owns whatever was built, freed on every error path
  run.ctxt->myDoc = nullptr;
  const bool has_root = doc.raw() != nullptr && xmlDocGetRootElement(doc.raw()) != nullptr;
  if (auto v = verdict(run, doc.raw(), has_root); !v) return unexpected(v.error());
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
