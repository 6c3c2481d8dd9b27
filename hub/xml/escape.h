#pragma once
// XML element content from text: the one escaping routine for XML the hub writes by hand
// (envelopes, receipts, faults). &amp; &lt; &gt;, CR as &#13;.
#include <string>
#include <string_view>

namespace hub::xml {

// Strict: false (with a partial copy in `out`) on invalid UTF-8 or a character XML 1.0 cannot
// carry.
bool appendXmlText(std::string& out, std::string_view text);

// Lenient, for diagnostics: what XML cannot carry becomes '?'.
std::string xmlText(std::string_view text);

}  // namespace hub::xml
