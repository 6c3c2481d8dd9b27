#pragma once
// jsonToXml: the ONE documented, lossless rule that turns a JSON event body into the event's XML
// form. Full text with examples: docs/json-to-xml.md.
//
//  1. The top level must be a JSON object; it becomes the root element <event>, which declares
//     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance". No other namespace is used (elements
//     are in no namespace).
//  2. Object member "k": v  ->  element <k> holding v. Member order is kept.
//  3. Array "k": [v1, v2]  ->  repeated sibling elements <k>v1</k><k>v2</k> (no wrapper).
//  4. Empty array "k": []  ->  <k json:array="empty" xmlns:json="urn:ketenhub:json"/>, so that it
//     differs from an absent key (a schema that accepts an empty list must allow that attribute).
//  5. An array directly inside an array ([[1],[2]]) has no element name: input error.
//  6. String -> text, escaped (&amp; &lt; &gt;; CR as &#13; so that it survives XML line-end
//     normalisation). Number -> its exact lexical form from the input (1.50 stays 1.50, 1E3 stays
//     1E3). true/false -> text "true"/"false". null -> <k xsi:nil="true"/>.
//  7. Empty object {} and empty string "" both give <k></k>; like number vs string and true vs
//     "true", the event schema (the type of <k>) tells them apart: lossless given the schema.
//
// Strict input (each an error whose message starts with the JSON pointer of the culprit, "(root)"
// for the top level): not JSON -> errc::kNotJson with line, column and byte offset; everything else
// -> errc::kInvalidInput: a key that is not an XML NCName or starts with "xml" (any case) — the
// pointer then names the object, the key itself is never quoted; duplicate keys; invalid UTF-8;
// characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF; lone
// surrogates from \u escapes); numbers that do not fit a finite double (1e999, -1e999) or underflow
// to zero (1e-999); nesting of objects/arrays deeper than JsonLimits::max_depth (the root object is
// depth 1). Resource bounds, each checked while converting (the conversion stops at the first
// one crossed, errc::kTooLarge, so a hostile message costs at most about its bounds, never a
// multiple of its size): more XML elements than JsonLimits::max_elements (every element counts:
// the root, objects, scalars, nulls, empty arrays); a string or key longer than
// max_string_bytes; an XML form longer than max_output_bytes (long keys repeated in an array grow
// the XML far beyond the JSON). No value is echoed in messages (values and rejected keys may hold
// personal data): a message is a pointer (made of keys that are XML names, and array indexes), the
// rule that failed and at most a byte offset or a code point.
//
// Hot path: SAX parse (boost::json::basic_parser) straight into the output string, no DOM.
#include <cstddef>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::xml {

struct JsonLimits {
  size_t max_depth = 64;
  size_t max_elements = 10000;
  size_t max_string_bytes = 4u << 20;
  size_t max_output_bytes = 16u << 20;
};

inline constexpr const char* kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr const char* kJsonNamespace = "urn:ketenhub:json";

// Returns the XML text (UTF-8, no XML declaration) or errc::kNotJson / errc::kInvalidInput /
// errc::kTooLarge.
Result<std::string> jsonToXml(std::string_view json, const JsonLimits& limits = {});

}  // namespace hub::xml
