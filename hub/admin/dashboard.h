#pragma once
// The operator dashboard: one self-contained HTML page (hub/admin/dashboard/index.html: inline
// CSS and JS, no external network), embedded into the binary at build time.
#include <string_view>

namespace hub::admin {

std::string_view dashboardHtml();

}  // namespace hub::admin
