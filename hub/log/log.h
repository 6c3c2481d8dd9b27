#pragma once
// JSON-lines logger on stdout. Callers pass only technical fields: ids, codes, counts, partner
// codes — never BSN, names, addresses or payloads (personal data stays in the store).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace hub::log {

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
  std::string_view key;
  std::string value;
  bool is_number = false;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  template <class N, class = std::enable_if_t<std::is_arithmetic_v<N>>>
  Field(std::string_view k, N n) : key(k), value(std::to_string(n)), is_number(true) {}
};

void setMinLevel(Level l);
// "debug", "info", "warn", "error" -> the level; false for anything else.
bool parseLevel(std::string_view name, Level& out);
void write(Level l, std::string_view msg, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kDebug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kInfo, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kWarn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kError, m, f);
}

}  // namespace hub::log
