#include "tools/partner_sim/request_check.h"

#include <algorithm>
#include <cctype>

#include "hub/core/error_codes.h"

namespace hub::sim {
namespace {

constexpr size_t kMaxHeaderValue = 256;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool isPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

Unexpected<Error> headerError(std::string_view name, const std::string& what) {
  return unexpected(errc::kInvalidInput, "header " + std::string(name) + ": " + what);
}

// Optional free-text header: printable ASCII, bounded.
Result<std::string> textHeader(const SimRequest& req, std::string_view lower, std::string_view name,
                               bool required) {
  auto v = singleHeader(req, lower);
  if (!v) return unexpected(v.error());
  if (!v->has_value() || (*v)->empty()) {
    if (required) return headerError(name, "missing");
    return std::string();
  }
  const std::string& s = **v;
  if (s.size() > kMaxHeaderValue) return headerError(name, "longer than 256 characters");
  if (!isPrintableAscii(s)) return headerError(name, "not printable ASCII");
  return s;
}

}  // namespace

RouteKind classifyRoute(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return RouteKind::kNotFound;
  if (path == "/healthz") {
    return method == "GET" ? RouteKind::kHealth : RouteKind::kMethodNotAllowed;
  }
  if (path == "/stats") {
    return method == "GET" ? RouteKind::kStats : RouteKind::kMethodNotAllowed;
  }
  return method == "POST" ? RouteKind::kDeliver : RouteKind::kMethodNotAllowed;
}

Result<std::optional<std::string>> singleHeader(const SimRequest& req, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [k, v] : req.headers) {
    if (k != name) continue;
    if (found) return unexpected(errc::kInvalidInput, "header " + std::string(name) + ": repeated");
    found = std::string(trim(v));
  }
  return found;
}

bool isXmlUtf8ContentType(std::string_view value) {
  return isUtf8MediaType(value, "application/xml");
}

bool isUtf8MediaType(std::string_view value, std::string_view media_type) {
  size_t semi = value.find(';');
  if (semi == std::string_view::npos) return false;
  if (!iequals(trim(value.substr(0, semi)), media_type)) return false;
  std::string_view param = trim(value.substr(semi + 1));
  size_t eq = param.find('=');
  if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) return false;
  std::string_view cs = trim(param.substr(eq + 1));
  if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
  return iequals(cs, "utf-8");
}

bool isSafeName(std::string_view s) {
  if (s.empty() || s.size() > 128 || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == ':';
  });
}

Result<DeliveryHeaders> checkRestXmlHeaders(const SimRequest& req, bool require_product) {
  auto ct = singleHeader(req, "content-type");
  if (!ct) return unexpected(ct.error());
  if (!ct->has_value()) return headerError("Content-Type", "missing");
  if (!isXmlUtf8ContentType(**ct)) {
    std::string got = isPrintableAscii(**ct) ? **ct : "?";
    return headerError("Content-Type",
                       "expected application/xml; charset=utf-8, got '" + got + "'");
  }
  DeliveryHeaders h;
  auto id = textHeader(req, "x-message-id", "X-Message-Id", true);
  if (!id) return unexpected(id.error());
  if (!isSafeName(*id)) {
    return headerError("X-Message-Id",
                       "must be 1-128 characters of [A-Za-z0-9._:-], not starting "
                       "with '.'");
  }
  h.message_id = std::move(*id);
  auto case_id = textHeader(req, "x-case-id", "X-Case-Id", false);
  if (!case_id) return unexpected(case_id.error());
  h.case_id = std::move(*case_id);
  auto event_type = textHeader(req, "x-event-type", "X-Event-Type", false);
  if (!event_type) return unexpected(event_type.error());
  h.event_type = std::move(*event_type);
  auto product = textHeader(req, "x-product", "X-Product", require_product);
  if (!product) return unexpected(product.error());
  if (!product->empty() && !isSafeName(*product)) {
    return headerError("X-Product",
                       "must be 1-128 characters of [A-Za-z0-9._:-], not starting "
                       "with '.'");
  }
  h.product = std::move(*product);
  return h;
}

std::string redactQuoted(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char open = 0;
  for (char c : text) {
    if (open) {
      if (c == open) {
        out += "\xE2\x80\xA6";  // …
        out += c;
        open = 0;
      }
      continue;
    }
    out += c;
    if (c == '\'' || c == '"') open = c;
  }
  if (open) out += "\xE2\x80\xA6";
  return out;
}

}  // namespace hub::sim
