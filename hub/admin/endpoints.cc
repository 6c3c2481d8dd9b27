#include "hub/admin/endpoints.h"

#include <boost/json.hpp>

namespace hub::admin {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<std::map<std::string, std::string>> match(std::string_view pattern,
                                                        std::string_view path) {
  auto p = segments(pattern), s = segments(path);
  if (p.size() != s.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}')
      params[std::string(p[i].substr(1, p[i].size() - 2))] = std::string(s[i]);
    else if (p[i] != s[i])
      return std::nullopt;
  }
  return params;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  for (char c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::map<std::string, std::string>> parseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i <= query.size() && !query.empty()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view pair = query.substr(i, j - i);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto k = decode(pair.substr(0, eq));
      auto v = decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
      if (!k || !v) return std::nullopt;
      out[*k] = *v;
    }
    if (j == query.size()) break;
    i = j + 1;
  }
  return out;
}

HttpResponse json(int status, const std::string& body) {
  return HttpResponse{status, "application/json", body + "\n", {}};
}

HttpResponse jsonError(int status, const std::string& message) {
  return json(status, boost::json::serialize(boost::json::object{{"error", message}}));
}

HttpResponse route(const std::vector<Endpoint>& table, const HttpRequest& req,
                   const TokenStore* tokens) {
  std::string_view target = req.target;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  bool path_known = false;
  for (const auto& e : table) {
    auto params = match(e.path, path);
    if (!params) continue;
    path_known = true;
    if (req.method != e.method) continue;
    auto query = parseQuery(q == std::string_view::npos ? "" : target.substr(q + 1));
    if (!query) return jsonError(400, "malformed query string");
    Identity who{"anonymous", Role::kNone};
    if (e.role != Role::kNone) {
      if (tokens) {
        const std::string* auth = req.header("Authorization");
        auto id = auth ? tokens->authenticate(*auth) : std::nullopt;
        if (!id) {
          HttpResponse r = jsonError(401, "a valid bearer token is required");
          r.headers.push_back({"WWW-Authenticate", "Bearer realm=\"ketenhub\""});
          return r;
        }
        who = *id;
        if (static_cast<int>(who.role) < static_cast<int>(e.role))
          return jsonError(403, std::string("this needs the ") + roleName(e.role) + " role");
      } else if (e.role == Role::kOperator) {
        return jsonError(403, "configure admin.tokens_file to allow operator actions");
      }
    }
    return e.handler(Call{req, std::move(*params), std::move(*query), who});
  }
  if (path_known) return jsonError(405, "method not allowed");
  return jsonError(404, "not found");
}

}  // namespace hub::admin
