#include "hub/xml/escape.h"

#include "hub/xml/xml_chars.h"

namespace hub::xml {

bool appendXmlText(std::string& out, std::string_view text) {
  return internal::appendEscapedText(text, out).kind == internal::TextProblem::kNone;
}

std::string xmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    size_t before = out.size();
    internal::TextProblem p = internal::appendEscapedText(text, out);
    if (p.kind == internal::TextProblem::kNone) break;
    (void)before;
    out += '?';
    size_t skip = 1;
    if (p.kind == internal::TextProblem::kNotXmlChar && p.code_point >= 0x80)
      skip = p.code_point < 0x800 ? 2 : p.code_point < 0x10000 ? 3 : 4;
    text.remove_prefix(std::min(text.size(), p.offset + skip));
  }
  return out;
}

}  // namespace hub::xml
