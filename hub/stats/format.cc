#include "hub/stats/format.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace hub::stats {

std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Every integer up to 2^53 is exact in a double: print it digit for digit.
  constexpr double kExactIntegers = 9007199254740992.0;
  if (std::floor(v) == v && std::fabs(v) <= kExactIntegers)
    return std::to_string(static_cast<int64_t>(v));
  // The shortest digits that read back to the same double; in plain decimals over the range
  // metrics live in (microseconds to exabytes), so that no reader meets an exponent there.
  const double a = std::fabs(v);
  const auto format = a >= 1e-6 && a < 1e21 ? std::chars_format::fixed : std::chars_format::general;
  char buf[128];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, format);
  if (ec != std::errc()) return "NaN";  // cannot happen: 128 bytes hold either form
  return std::string(buf, end);
}

}  // namespace hub::stats
