#pragma once
// Internal to hub/xml: strict UTF-8 decoding and the XML 1.0 (5th edition) character classes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hub::xml::internal {

inline constexpr int32_t kBadUtf8 = -1;

// Decodes the UTF-8 sequence starting at s[i] and advances i past it. Returns kBadUtf8 (and
// advances by one byte) for truncated, overlong or surrogate sequences and values over U+10FFFF.
int32_t decodeUtf8(std::string_view s, size_t& i);

// Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
bool isXmlChar(uint32_t cp);
bool isNameStartChar(uint32_t cp);  // without ':' (NCName)
bool isNameChar(uint32_t cp);       // without ':' (NCName)

// "" when `name` is usable as an element name (an NCName that does not start with "xml" in any
// case); otherwise why not.
std::string elementNameProblem(std::string_view name);

struct TextProblem {
  enum Kind { kNone, kBadUtf8, kNotXmlChar } kind = kNone;
  size_t offset = 0;        // byte offset in the input
  uint32_t code_point = 0;  // kNotXmlChar
};

// Appends `in` to `out` as XML character data (&amp; &lt; &gt;, CR as &#13;), checking that it is
// valid UTF-8 made of XML 1.0 characters only. On a problem, `out` holds a partial copy.
TextProblem appendEscapedText(std::string_view in, std::string& out);

// "U+001B" style.
std::string codePointText(uint32_t cp);

}  // namespace hub::xml::internal
