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

Result<Document> Document::parseUntrusted(std::string_view bytes, size_t max_bytes,
                                          size_t max_elements) {
  if (auto r = withinLimit(bytes, max_bytes); !r) return unexpected(r.error());
  return parse(bytes, max_elements);
}

Result<Document> Document::parseTrusted(std::string_view bytes) { return parse(bytes, 0); }

namespace {

struct ParseRun {
  ParserCtxtPtr ctxt;
  internal::ErrorSink sink;
};

// Counts one element against the bound; past it, stops the parser (nothing more is read or built).
void countElement(void* ctx) {
  internal::ErrorSink* sink = sinkOf(ctx);
  sink->element_seen = true;
  if (sink->max_elements == 0 || ++sink->elements <= sink->max_elements) return;
  sink->too_many_elements = true;
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

// SAX hook for checkWellFormed: counts elements and builds nothing.
void noteElement(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, int, const xmlChar**,
                 int, int, const xmlChar**) {
  countElement(ctx);
}

// SAX hook when building a tree: libxml2's own start-element handler, then the count (the tree
// stays consistent when the count stops the parser).
void buildElement(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                  int nb_namespaces, const xmlChar** namespaces, int nb_attributes,
                  int nb_defaulted, const xmlChar** attributes) {
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                        nb_defaulted, attributes);
  countElement(ctx);
}

// Runs libxml2 over `bytes` with the hub's parser options and DTD refusal; with build_tree false
// every tree-building SAX callback is removed (well-formedness, namespaces and entity references
// are still checked by the parser itself).
Result<void> runParser(std::string_view bytes, bool build_tree, size_t max_elements,
                       ParseRun& run) {
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
  run.sink.max_elements = max_elements;
  if (build_tree) {
    ctxt->sax->startElementNs = buildElement;
  } else {
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
    // getEntity stays: after a fatal error libxml2 may declare entities in a document of its own,
    // and both parse and check must resolve references against the same declarations.
  }
  xmlCtxtUseOptions(ctxt, kParseOptions);
  xmlParseDocument(ctxt);
  return {};
}

// Whether libxml2 read a <!DOCTYPE>, decided from the parser context alone so that parse and check
// see the same thing. Normally the refusal hook notes it. After a fatal error before the DOCTYPE
// (e.g. a malformed XML declaration) libxml2 turns the SAX callbacks off, so the hook never runs;
// it still reads the DOCTYPE into the context (its name, external identifiers) and, for an entity
// declaration, builds a "SAX compatibility" document (ctxt->myDoc) holding the internal subset.
bool carriesDtd(const ParseRun& run) {
  const xmlParserCtxt* ctxt = run.ctxt.get();
  const xmlDoc* doc = ctxt->myDoc;
  return run.sink.dtd_seen || ctxt->intSubName != nullptr || ctxt->extSubURI != nullptr ||
         ctxt->extSubSystem != nullptr ||
         (doc != nullptr && (doc->intSubset != nullptr || doc->extSubset != nullptr));
}

// The one verdict of parse and check, taken before ctxt->myDoc is adopted or freed.
Result<void> verdict(const ParseRun& run, bool has_root) {
  if (run.sink.too_many_elements) {
    return unexpected(errc::kTooLarge, "XML document has more than " +
                                           std::to_string(run.sink.max_elements) + " elements");
  }
  if (carriesDtd(run)) {
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

Result<void> Document::checkWellFormed(std::string_view bytes, size_t max_bytes,
                                       size_t max_elements) {
  if (auto r = withinLimit(bytes, max_bytes); !r) return r;
  ParseRun run;
  if (auto r = runParser(bytes, false, max_elements, run); !r) return r;
  Result<void> v = verdict(run, run.sink.element_seen);
  // libxml2 may build a document even without tree callbacks (an entity declaration read after a
  // fatal error makes one "for SAX compatibility"); nothing owns it but us.
  xmlFreeDoc(std::exchange(run.ctxt->myDoc, nullptr));
  return v;
}

Result<Document> Document::parse(std::string_view bytes, size_t max_elements) {
  ParseRun run;
  if (auto r = runParser(bytes, true, max_elements, run); !r) return unexpected(r.error());
  const xmlDoc* built = run.ctxt->myDoc;
  Result<void> v = verdict(run, built != nullptr && xmlDocGetRootElement(built) != nullptr);
  Document doc(std::exchange(run.ctxt->myDoc, nullptr));  // freed on every error path
  if (!v) return unexpected(v.error());
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
