#pragma once
// Document: an owned libxml2 document (move-only). The only way XML enters the hub.
//
// parseUntrusted is for bytes from outside (events, partner responses, signed documents):
// XML_PARSE_NONET, never NOENT/DTDLOAD/DTDVALID/HUGE, and a document that carries a DTD at all
// (internal or external subset, hence any entity declaration) is refused before any declaration in
// it is read (after an earlier fatal error libxml2 reads them without loading anything, and the
// document is refused as forbidden_dtd all the same). Errors are collected per parser context (no
// global handler): thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hub/core/result.h"

struct _xmlDoc;

namespace hub::xml {

class Document {
 public:
  // Untrusted input is bounded in bytes (checked first) and in elements (counted as they are read:
  // the parser stops at the first element past the bound, so a document of a million tiny
  // elements never becomes a million-node tree). libxml2 itself bounds depth (256) and the length
  // of one name or text node (no XML_PARSE_HUGE).
  static constexpr size_t kDefaultMaxElements = 100000;

  // errc::kTooLarge (over max_bytes or max_elements), errc::kForbiddenDtd (any <!DOCTYPE>),
  // errc::kNotXml ("line L col C: <libxml2 message>").
  static Result<Document> parseUntrusted(std::string_view bytes, size_t max_bytes = 4u << 20,
                                         size_t max_elements = kDefaultMaxElements);
  // The checks of parseUntrusted (size, elements, DTD, well-formedness, namespaces, entity
  // references) without building a tree: for a reader that only needs to know the bytes are sound.
  static Result<void> checkWellFormed(std::string_view bytes, size_t max_bytes = 4u << 20,
                                      size_t max_elements = kDefaultMaxElements);
  // For XML the hub generated itself (jsonToXml output): same safe options, no size bound.
  static Result<Document> parseTrusted(std::string_view bytes);
  // Takes ownership of a document produced inside hub/xml or hub/dsig (e.g. an XSLT result).
  static Document adopt(_xmlDoc* doc);

  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;
  ~Document() = default;

  // UTF-8, with the XML declaration, no re-indentation (safe for signed documents).
  std::string serialize() const;
  // Local name of the root element ("" when there is none).
  std::string rootName() const;
  // For hub/xml and hub/dsig internals only.
  _xmlDoc* raw() const { return doc_.get(); }

 private:
  struct Free {
    void operator()(_xmlDoc* d) const;
  };
  explicit Document(_xmlDoc* d) : doc_(d) {}
  static Result<Document> parse(std::string_view bytes, size_t max_elements);  // 0: unbounded

  std::unique_ptr<_xmlDoc, Free> doc_;
};

}  // namespace hub::xml
