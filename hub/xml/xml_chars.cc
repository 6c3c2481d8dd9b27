#include "hub/xml/xml_chars.h"

#include <cstdio>

namespace hub::xml::internal {

int32_t decodeUtf8(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kBadUtf8;
  }
  if (i + len > s.size()) {
    ++i;
    return kBadUtf8;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kBadUtf8;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kBadUtf8;
  }
  i += len;
  return static_cast<int32_t>(cp);
}

bool isXmlChar(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool isNameStartChar(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) ||
         (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
         (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
         (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
         (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
         (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

bool isNameChar(uint32_t c) {
  return isNameStartChar(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

std::string elementNameProblem(std::string_view name) {
  if (name.empty()) return "is empty";
  size_t i = 0;
  bool first = true;
  while (i < name.size()) {
    const int32_t cp = decodeUtf8(name, i);
    if (cp == kBadUtf8) return "is not valid UTF-8";
    const auto c = static_cast<uint32_t>(cp);
    if (c == ':') return "contains ':' (namespace prefixes are not allowed)";
    if (first ? !isNameStartChar(c) : !isNameChar(c)) return "is not an XML name";
    first = false;
  }
  if (name.size() >= 3) {
    auto lower = [](char ch) { return static_cast<char>(ch | 0x20); };
    if (lower(name[0]) == 'x' && lower(name[1]) == 'm' && lower(name[2]) == 'l') {
      return "starts with 'xml', which XML reserves";
    }
  }
  return {};
}

TextProblem appendEscapedText(std::string_view in, std::string& out) {
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const size_t start = i;
      const int32_t cp = decodeUtf8(in, i);
      if (cp == kBadUtf8) return TextProblem{TextProblem::kBadUtf8, start, 0};
      if (!isXmlChar(static_cast<uint32_t>(cp))) {
        return TextProblem{TextProblem::kNotXmlChar, start, static_cast<uint32_t>(cp)};
      }
      out.append(in, start, i - start);
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
      case '\n':
        out += c;
        break;
      default:
        if (u < 0x20) return TextProblem{TextProblem::kNotXmlChar, i, u};
        out += c;
    }
    ++i;
  }
  return {};
}

std::string codePointText(uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", cp);
  return buf;
}

}  // namespace hub::xml::internal
