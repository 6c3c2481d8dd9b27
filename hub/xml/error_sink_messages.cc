// valueFreeMessage (error_sink.h): libxml2's messages about data, rebuilt without values.
#include <cctype>
#include <optional>
#include <vector>

#include "hub/xml/error_sink.h"

namespace hub::xml::internal {
namespace {

// A libxml2 message shape (libxml2 2.9 texts, final period removed). In `pattern`:
//   %v  a value from the document: dropped. It spans from the text before it to the LAST place
//       where the text after it fits, so a value that contains that text itself, quotes or line
//       breaks is still dropped whole, and what is kept after it (a pattern, a type name) can only
//       be part of what libxml2 wrote after the value: the schema's own text;
//   %x  other input text (names read from malformed XML, an actual length): dropped;
//   %s  text from the schema (facet, type and attribute names, a pattern, an enumeration, the
//       expected elements): kept;
//   %d  a number (a line, a limit, a character code): kept, hex digits only.
// `out` replaces the message, %1..%9 being the kept holes in order. Holes never touch.
struct Shape {
  std::string_view pattern;
  std::string_view out;
};

// clang-format off
constexpr Shape kShapes[] = {
    // XML Schema validation: facets.
    {"[facet 'pattern'] The value '%v' is not accepted by the pattern '%s'",
     "[facet 'pattern'] the value is not accepted by the pattern '%1'"},
    {"[facet 'enumeration'] The value '%v' is not an element of the set {%s}",
     "[facet 'enumeration'] the value is not an element of the set {%1}"},
    {"[facet 'length'] The value '%v' has a length of '%x'; this differs from the allowed length of '%d'",
     "[facet 'length'] the length of the value differs from the allowed length of '%1'"},
    {"[facet 'length'] The value has a length of '%x'; this differs from the allowed length of '%d'",
     "[facet 'length'] the length of the value differs from the allowed length of '%1'"},
    {"[facet 'maxLength'] The value '%v' has a length of '%x'; this exceeds the allowed maximum length of '%d'",
     "[facet 'maxLength'] the length of the value exceeds the allowed maximum length of '%1'"},
    {"[facet 'maxLength'] The value has a length of '%x'; this exceeds the allowed maximum length of '%d'",
     "[facet 'maxLength'] the length of the value exceeds the allowed maximum length of '%1'"},
    {"[facet 'minLength'] The value '%v' has a length of '%x'; this underruns the allowed minimum length of '%d'",
     "[facet 'minLength'] the length of the value underruns the allowed minimum length of '%1'"},
    {"[facet 'minLength'] The value has a length of '%x'; this underruns the allowed minimum length of '%d'",
     "[facet 'minLength'] the length of the value underruns the allowed minimum length of '%1'"},
    {"[facet 'minInclusive'] The value '%v' is less than the minimum value allowed ('%s')",
     "[facet 'minInclusive'] the value is less than the minimum value allowed ('%1')"},
    {"[facet 'maxInclusive'] The value '%v' is greater than the maximum value allowed ('%s')",
     "[facet 'maxInclusive'] the value is greater than the maximum value allowed ('%1')"},
    {"[facet 'minExclusive'] The value '%v' must be greater than '%s'",
     "[facet 'minExclusive'] the value must be greater than '%1'"},
    {"[facet 'maxExclusive'] The value '%v' must be less than '%s'",
     "[facet 'maxExclusive'] the value must be less than '%1'"},
    {"[facet 'totalDigits'] The value '%v' has more digits than are allowed ('%s')",
     "[facet 'totalDigits'] the value has more digits than are allowed ('%1')"},
    {"[facet 'fractionDigits'] The value '%v' has more fractional digits than are allowed ('%s')",
     "[facet 'fractionDigits'] the value has more fractional digits than are allowed ('%1')"},
    {"[facet '%s'] The value '%v' is not facet-valid", "[facet '%1'] the value is not facet-valid"},
    {"[facet '%s'] The value is not facet-valid", "[facet '%1'] the value is not facet-valid"},
    // XML Schema validation: simple types.
    {"'%v' is not a valid value of the atomic type '%s'",
     "the value is not a valid value of the atomic type '%1'"},
    {"'%v' is not a valid value of the list type '%s'",
     "the value is not a valid value of the list type '%1'"},
    {"'%v' is not a valid value of the union type '%s'",
     "the value is not a valid value of the union type '%1'"},
    {"'%v' is not a valid value of the local atomic type",
     "the value is not a valid value of the local atomic type"},
    {"'%v' is not a valid value of the local list type",
     "the value is not a valid value of the local list type"},
    {"'%v' is not a valid value of the local union type",
     "the value is not a valid value of the local union type"},
    {"The character content is not a valid value of the atomic type '%s'",
     "the value is not a valid value of the atomic type '%1'"},
    {"The character content is not a valid value of the list type '%s'",
     "the value is not a valid value of the list type '%1'"},
    {"The character content is not a valid value of the union type '%s'",
     "the value is not a valid value of the union type '%1'"},
    {"The value '%v' is not valid", "the value is not valid"},
    {"The actual value '%v' does not match the fixed value constraint '%s'",
     "the value does not match the fixed value constraint '%1'"},
    {"The initial value '%v' does not match the fixed value constraint '%s'",
     "the value does not match the fixed value constraint '%1'"},
    {"The QName value '%v' of the xsi:type attribute does not resolve to a type definition",
     "the QName value of the xsi:type attribute does not resolve to a type definition"},
    {"The value '%v' of simple type 'xs:QName' has no corresponding namespace declaration in scope",
     "the QName value has no corresponding namespace declaration in scope"},
    {"The QName value '%v' has no corresponding namespace declaration in scope",
     "the QName value has no corresponding namespace declaration in scope"},
    {"Duplicate value '%v' of simple type 'xs:ID'", "duplicate value of simple type 'xs:ID'"},
    {"The value '%v' of simple type 'xs:ID' is not a valid 'xs:NCName'",
     "the value of simple type 'xs:ID' is not a valid 'xs:NCName'"},
    // XML Schema validation: identity constraints (key-sequences are values).
    {"Duplicate key-sequence [%v] in %s", "duplicate key-sequence in %1"},
    {"No match found for key-sequence [%v] of keyref '%s'",
     "no match found for the key-sequence of keyref '%1'"},
    {"More than one match found for key-sequence [%v] of keyref '%s'",
     "more than one match found for the key-sequence of keyref '%1'"},
    // XML Schema validation: structure (element and attribute names here are the schema's).
    {"This element is not expected. Expected is ( %s )",
     "This element is not expected. Expected is ( %1 )"},
    {"This element is not expected. Expected is one of ( %s )",
     "This element is not expected. Expected is one of ( %1 )"},
    {"Missing child element(s). Expected is ( %s )", "Missing child element(s). Expected is ( %1 )"},
    {"Missing child element(s). Expected is one of ( %s )",
     "Missing child element(s). Expected is one of ( %1 )"},
    {"The attribute '%s' is required but missing", "The attribute '%1' is required but missing"},
    {"The attribute '%x' is not allowed", "The attribute is not allowed"},
    {"Character content other than whitespace is not allowed because the content type is 'element-only'",
     "Character content other than whitespace is not allowed because the content type is 'element-only'"},
    {"The element is not 'nillable'", "The element is not 'nillable'"},
    {"Neither character nor element content is allowed because the element is 'nilled'",
     "Neither character nor element content is allowed because the element is 'nilled'"},
    // Parser: what malformed XML calls a name may be any text, so names are dropped too.
    {"Opening and ending tag mismatch: %x line %d and %x",
     "Opening and ending tag mismatch (the start tag is on line %1)"},
    {"Premature end of data in tag %x line %d", "Premature end of data in a tag opened on line %1"},
    {"Couldn't find end of Start Tag %x line %d",
     "Couldn't find the end of a start tag opened on line %1"},
    {"Couldn't find end of Start Tag %x", "Couldn't find the end of a start tag"},
    {"Specification mandates value for attribute %x", "Specification mandates a value for an attribute"},
    {"Namespaced Attribute %x in '%x' redefined", "A namespaced attribute is given twice"},
    {"Attribute %x redefined", "An attribute is given twice"},
    {"Namespace prefix %x for %x on %x is not defined", "The namespace prefix of an attribute is not defined"},
    {"Namespace prefix %x on %x is not defined", "The namespace prefix of an element is not defined"},
    {"xmlns: '%v' is not a valid URI", "The default namespace declaration (xmlns) is not a valid URI"},
    {"xmlns: URI %v is not absolute", "The default namespace declaration (xmlns) is not an absolute URI"},
    {"xmlns:%x: '%v' is not a valid URI", "A namespace declaration (xmlns:prefix) is not a valid URI"},
    {"xmlns:%x: URI %v is not absolute", "A namespace declaration (xmlns:prefix) is not an absolute URI"},
    {"xmlns:%x: Empty XML namespace is not allowed", "A namespace declaration (xmlns:prefix) is empty"},
    {"Failed to parse QName '%x'", "Failed to parse a QName"},
    {"Name %x is not XML Namespace compliant", "A name is not XML Namespace compliant"},
    {"Entity '%x' not defined", "A reference names an entity that is not defined"},
    {"Entity '%x' failed to parse", "An entity failed to parse"},
    {"Entity reference to unparsed entity %x", "A reference names an unparsed entity"},
    {"Attribute references external entity '%x'", "An attribute references an external entity"},
    {"'<' in entity '%x' is not allowed in attributes values",
     "'<' in an entity is not allowed in attribute values"},
    {"failed to load external entity \"%x\"", "failed to load an external entity"},
    {"Comment not terminated \n<!--%v", "Comment not terminated"},
    {"Double hyphen within comment: <!--%v", "Double hyphen within comment"},
    {"CData section not finished\n%v", "CData section not finished"},
    {"Input is not proper UTF-8, indicate encoding !\nBytes: %v",
     "Input is not proper UTF-8, indicate encoding !"},
    {"input conversion failed due to input error, bytes %v",
     "input conversion failed due to input error"},
    {"ParsePI: PI %x space expected", "ParsePI: a space is expected after the PI target"},
    {"ParsePI: PI %x never end ..", "ParsePI: a processing instruction never ends"},  // "..." less the final period
    {"PI %x too big found", "A processing instruction is too big"},
    {"colons are forbidden from PI names '%x'", "colons are forbidden from PI names"},
    {"Unsupported encoding %x", "Unsupported encoding"},
    {"Unknown encoding %x", "Unknown encoding"},
    {"encoding not supported %x", "encoding not supported"},
    {"Unsupported version '%x'", "Unsupported XML version"},
    {"Malformed value for xml:lang : %x", "Malformed value for xml:lang"},
    {"Invalid value \"%x\" for xml:space : \"default\" or \"preserve\" expected",
     "Invalid value for xml:space: \"default\" or \"preserve\" expected"},
    {"Char 0x%d out of allowed range", "Char 0x%1 out of allowed range"},
    {"Start tag expected, '<' not found", "Start tag expected, '<' not found"},
    {"Unescaped '<' not allowed in attributes values", "Unescaped '<' not allowed in attributes values"},
    {"Sequence ']]>' not allowed in content", "Sequence ']]>' not allowed in content"},
    {"standalone accepts only 'yes' or 'no'", "standalone accepts only 'yes' or 'no'"},
    {"String not closed expecting \" or '", "String not closed expecting \" or '"},
    {"String not started expecting ' or \"", "String not started expecting ' or \""},
    {"AttValue: \" or ' expected", "AttValue: \" or ' expected"},
    {"AttValue: ' expected", "AttValue: ' expected"},
    {"parsing XML declaration: '?>' expected", "parsing XML declaration: '?>' expected"},
    {"EntityRef: expecting ';'", "EntityRef: expecting ';'"},
    {"EndTag: '</' not found", "EndTag: '</' not found"},
    {"expected '>'", "expected '>'"},
    {"expected '='", "expected '='"},
    {"xmlParsePITarget: invalid name prefix 'xml'", "xmlParsePITarget: invalid name prefix 'xml'"},
    {"Space needed after '<?xml'", "Space needed after '<?xml'"},
    {"Blank needed after '<?xml'", "Blank needed after '<?xml'"},
    {"Comment must not contain '--' (double-hyphen)", "Comment must not contain '--' (double-hyphen)"},
};
// clang-format on

constexpr size_t kMaxKept = 200;  // bytes of one kept schema text (an enumeration can be long)

bool isControl(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x20 || c == 0x7f) return true;
  // U+0080..U+009F (C1 controls, CSI among them) in UTF-8: C2 80..C2 9F.
  return c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
         static_cast<unsigned char>(s[i + 1]) <= 0x9f;
}

// Schema text that is kept: no controls, bounded, cut on a UTF-8 character boundary.
std::string keptText(std::string_view s) {
  std::string out = withoutControls(s);
  if (out.size() <= kMaxKept) return out;
  size_t cut = kMaxKept;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

struct Piece {
  char hole = 0;          // 0 for literal text, else 'v', 'x', 's' or 'd'
  std::string_view text;  // the literal, or what the hole matched
};

std::vector<Piece> piecesOf(std::string_view pattern) {
  std::vector<Piece> pieces;
  size_t start = 0;
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '%' || std::string_view("vxsd").find(pattern[i + 1]) == std::string::npos) {
      continue;
    }
    if (i > start) pieces.push_back({0, pattern.substr(start, i - start)});
    pieces.push_back({pattern[i + 1], {}});
    start = i + 2;
    ++i;
  }
  if (start < pattern.size()) pieces.push_back({0, pattern.substr(start)});
  return pieces;
}

// Matches `text` against one shape; on success, the kept holes (%s, %d) in order. Holes before
// the middle one end where the literal after them first appears, holes after it start where the
// literal before them last appears; the middle hole (the value, else the last hole) takes the
// rest. Deterministic and linear: no backtracking over adversarial input.
std::optional<std::vector<std::string_view>> matchShape(std::string_view pattern,
                                                        std::string_view text) {
  std::vector<Piece> p = piecesOf(pattern);
  size_t mid = p.size();
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].hole == 'v') mid = i;
  }
  for (size_t i = p.size(); mid == p.size() && i-- > 0;) {
    if (p[i].hole != 0) mid = i;
  }
  if (mid == p.size()) {
    if (text != pattern) return std::nullopt;
    return std::vector<std::string_view>{};
  }
  size_t begin = 0;
  size_t end = text.size();
  for (size_t i = 0; i < mid; ++i) {
    if (p[i].hole == 0) {
      if (text.substr(begin, p[i].text.size()) != p[i].text) return std::nullopt;
      begin += p[i].text.size();
      continue;
    }
    if (p[i + 1].hole != 0) return std::nullopt;
    const size_t at = text.find(p[i + 1].text, begin);
    if (at == std::string_view::npos) return std::nullopt;
    p[i].text = text.substr(begin, at - begin);
    begin = at;
  }
  for (size_t i = p.size() - 1; i > mid; --i) {
    const std::string_view lit = p[i].hole == 0 ? p[i].text : p[i - 1].text;
    if (p[i].hole == 0) {
      if (end < begin + lit.size() || text.substr(end - lit.size(), lit.size()) != lit) {
        return std::nullopt;
      }
      end -= lit.size();
      continue;
    }
    if (p[i - 1].hole != 0 || end < begin + lit.size()) return std::nullopt;
    const size_t at = text.rfind(lit, end - lit.size());
    if (at == std::string_view::npos || at < begin) return std::nullopt;
    p[i].text = text.substr(at + lit.size(), end - at - lit.size());
    end = at + lit.size();
  }
  if (begin > end) return std::nullopt;
  p[mid].text = text.substr(begin, end - begin);
  std::vector<std::string_view> kept;
  for (const Piece& piece : p) {
    if (piece.hole == 'd') {
      if (piece.text.empty() || piece.text.size() > 20) return std::nullopt;
      for (char c : piece.text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
      }
    }
    if (piece.hole == 's' || piece.hole == 'd') kept.push_back(piece.text);
  }
  return kept;
}

std::string filledIn(std::string_view out, const std::vector<std::string_view>& kept) {
  std::string s;
  for (size_t i = 0; i < out.size(); ++i) {
    const bool hole = out[i] == '%' && i + 1 < out.size() && out[i + 1] >= '1' && out[i + 1] <= '9';
    const size_t n = hole ? static_cast<size_t>(out[i + 1] - '1') : 0;
    if (hole && n < kept.size()) {
      s += keptText(kept[n]);
      ++i;
    } else {
      s += out[i];
    }
  }
  return s;
}

// A name libxml2 puts in a message prefix: plain when it cannot hide the end of the prefix.
bool plainName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' || s[i] == '\'' || s[i] == '"' || isControl(s, i)) return false;
  }
  return true;
}

// "Element 'x': " or "Element 'x', attribute 'y': " for a node libxml2 did not hand over: dropped
// when the names are plain (then the first quote after each one ends it), else left for the
// unknown-shape rule, which drops it with every quote.
std::string_view withoutElementPrefix(std::string_view m) {
  constexpr std::string_view kElement = "Element '";
  constexpr std::string_view kAttribute = "', attribute '";
  constexpr std::string_view kEnd = "': ";
  if (m.substr(0, kElement.size()) != kElement) return m;
  size_t q = m.find('\'', kElement.size());
  if (q == std::string_view::npos || !plainName(m.substr(kElement.size(), q - kElement.size()))) {
    return m;
  }
  if (m.substr(q, kAttribute.size()) == kAttribute) {
    const size_t name = q + kAttribute.size();
    q = m.find('\'', name);
    if (q == std::string_view::npos || !plainName(m.substr(name, q - name))) return m;
  }
  if (m.substr(q, kEnd.size()) != kEnd) return m;
  return m.substr(q + kEnd.size());
}

// A message of no known shape: no input excerpt (after a line break), nothing quoted.
std::string unknownShape(std::string_view m) {
  m = m.substr(0, m.find_first_of("\r\n"));
  std::string s(m);
  if (const size_t first = s.find_first_of("'\""); first != std::string::npos) {
    const size_t last = s.find_last_of("'\"");
    s = s.substr(0, first) + "'...'" + (last > first ? s.substr(last + 1) : std::string());
  }
  s = withoutControls(s);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s.empty() ? "(message withheld)" : s;
}

}  // namespace

std::string withoutControls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (!isControl(s, i)) {
      out += s[i];
    } else if (static_cast<unsigned char>(s[i]) == 0xc2) {
      ++i;
    }
  }
  return out;
}

std::string valueFreeMessage(std::string_view message, std::string_view node_prefix) {
  std::string_view m = message;
  while (!m.empty() && (m.back() == '\n' || m.back() == '\r' || m.back() == ' ')) {
    m.remove_suffix(1);
  }
  if (!m.empty() && m.back() == '.') m.remove_suffix(1);
  if (!node_prefix.empty() && m.substr(0, node_prefix.size()) == node_prefix) {
    m.remove_prefix(node_prefix.size());
  } else {
    m = withoutElementPrefix(m);
  }
  for (const Shape& shape : kShapes) {
    if (auto kept = matchShape(shape.pattern, m)) return filledIn(shape.out, *kept);
  }
  return unknownShape(m);
}

}  // namespace hub::xml::internal
