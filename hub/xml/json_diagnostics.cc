#include "hub/xml/json_diagnostics.h"

#include <cctype>

namespace hub::xml::internal {

std::string position(std::string_view json, size_t offset) {
  size_t line = 1;
  size_t col = 1;
  for (size_t i = 0; i < offset && i < json.size(); ++i) {
    if (json[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + " col " + std::to_string(col) + " (byte " +
         std::to_string(offset) + ")";
}

bool endsWithLeadingSurrogateEscape(std::string_view json, size_t used) {
  if (used < 6 || used > json.size()) return false;
  const std::string_view esc = json.substr(used - 6, 6);
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  if (esc[0] != '\\' || esc[1] != 'u' || (esc[2] != 'd' && esc[2] != 'D')) return false;
  if (std::string_view("89abAB").find(esc[3]) == std::string_view::npos) return false;
  if (!hex(esc[4]) || !hex(esc[5])) return false;
  size_t backslashes = 0;  // the escape's backslash must not itself be escaped
  for (size_t i = used - 6; i > 0 && json[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

}  // namespace hub::xml::internal
