#pragma once
// Exact numbers for the Prometheus text format: whole numbers in full ("1702680000", never
// "1.70268e+09"), other values in the shortest form that reads back to the same double
// ("1234567.891", "0.0000123"; an exponent only outside 1e-6 .. 1e21), and NaN, +Inf, -Inf as
// the format spells them.
#include <string>

namespace hub::stats {

std::string formatValue(double v);

}  // namespace hub::stats
