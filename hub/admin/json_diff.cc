#include "hub/admin/json_diff.h"

#include <boost/json.hpp>

namespace hub::admin {
namespace {

namespace bj = boost::json;

std::string escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

void diff(const bj::value& a, const bj::value& b, const std::string& at,
          std::vector<std::string>& out, size_t limit) {
  if (out.size() > limit) return;
  if (a.is_object() && b.is_object()) {
    const auto &oa = a.as_object(), &ob = b.as_object();
    for (const auto& [k, v] : oa) {
      std::string p = at + "/" + escape(k);
      if (const bj::value* w = ob.if_contains(k))
        diff(v, *w, p, out, limit);
      else
        out.push_back(p);
    }
    for (const auto& [k, v] : ob)
      if (!oa.contains(k)) out.push_back(at + "/" + escape(k));
    return;
  }
  if (a.is_array() && b.is_array()) {
    const auto &xa = a.as_array(), &xb = b.as_array();
    size_t n = std::max(xa.size(), xb.size());
    for (size_t i = 0; i < n; ++i) {
      std::string p = at + "/" + std::to_string(i);
      if (i < xa.size() && i < xb.size())
        diff(xa[i], xb[i], p, out, limit);
      else
        out.push_back(p);
    }
    return;
  }
  if (a != b) out.push_back(at.empty() ? "" : at);
}

}  // namespace

std::optional<std::vector<std::string>> changedPointers(std::string_view before,
                                                        std::string_view after, size_t limit) {
  boost::system::error_code ea, eb;
  bj::value a = bj::parse(before, ea), b = bj::parse(after, eb);
  if (ea || eb) return std::nullopt;
  std::vector<std::string> out;
  diff(a, b, "", out, limit);
  if (out.size() > limit) {
    out.resize(limit);
    out.push_back("/...");
  }
  return out;
}

}  // namespace hub::admin
