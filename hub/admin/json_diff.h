#pragma once
// Where two JSON documents differ, as JSON pointers (RFC 6901), never the values: what an audit
// record of a correction may say without echoing personal data. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hub::admin {

// nullopt when either side is not JSON. At most `limit` pointers ("/..." once over the limit).
std::optional<std::vector<std::string>> changedPointers(std::string_view before,
                                                        std::string_view after, size_t limit = 50);

}  // namespace hub::admin
