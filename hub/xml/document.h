#pragma once
// Document: an owned libxml2 document (move-only). The only way XML enters the hub.
//
// parseUntrusted is for bytes from outside (events, partner responses, signed documents):
// XML_PARSE_NONET, never NOENT/DTDLOAD/DTDVALID/HUGE, and a document that carries a DTD at all
// (internal or external subset, hence any entity declaration) is refused before any declaration in
// it is read. Errors are collected per parser context (no global handler): thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "hub/core/result.h"

struct _xmlDoc;

namespace hub::xml {

class Document {
 public:
  // errc::kTooLarge (over max_bytes), errc::kForbiddenDtd (any <!DOCTYPE>), errc::kNotXml
  // ("line L col C: <libxml2 message>").
  static Result<Document> parseUntrusted(std::string_view bytes, size_t max_bytes = 4u << 20);
  // The checks of parseUntrusted (size, DTD, well-formedness, namespaces, entity references)
  // without building a tree: for a reader that only needs to know the bytes are sound XML.
  static Result<void> checkWellFormed(std::string_view bytes, size_t max_bytes = 4u << 20);
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
  static Result<Document> parse(std::string_view bytes);

  std::unique_ptr<_xmlDoc, Free> doc_;
};

}  // namespace hub::xml
