#pragma once
// Internal to hub/xml: helpers that make jsonToXml's error messages precise (places, never values).
#include <cstddef>
#include <string>
#include <string_view>

namespace hub::xml::internal {

// "line L col C (byte N)" of a byte offset.
std::string position(std::string_view json, size_t offset);

// Boost.JSON 1.81 reports a leading surrogate escape (\uD800-\uDBFF) that is not followed by a
// trailing one as a plain syntax error right after the escape: recognise that case.
bool endsWithLeadingSurrogateEscape(std::string_view json, size_t used);

}  // namespace hub::xml::internal
