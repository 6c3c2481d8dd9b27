// Fuzz target: the admin listener's request handling without sockets. The input is the raw bytes a
// client sends; they are parsed by the same Beast request parser with the same limits as
// hub/admin/http_server.cc (header 16 KiB, body 1 MiB), turned into an HttpRequest as the server
// does, and routed by hub/admin/endpoints.h route() (path match, {name} parameters, parseQuery,
// bearer-token roles from TokenStore) over a table with the admin API's paths and roles
// (hub/admin/admin_endpoints.cc), whose handlers only check what they are given. The request
// target also goes to parseQuery and parseListenAddress, the body to TokenStore::parse.
// Checks beyond ASan/UBSan:
//  - route() answers 400/401/403/404/405 itself or calls the one matching handler, never one whose
//    role the caller lacks (with tokens), never an operator endpoint without tokens;
//  - decoded query names and values carry no control characters; {name} parameters no '/';
//  - a 401 asks for a bearer token; a listen address that parses is loopback.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/admin/endpoints.h"
#include "hub/admin/http_server.h"
#include "hub/admin/tokens.h"
#include "tests/fuzz/fuzz_support.h"

using namespace hub;
using namespace hub::admin;
namespace http = boost::beast::http;

namespace {

// sha256 of "viewer-secret-token" and "operator-secret-token".
constexpr const char* kTokens =
    "# fuzz tokens\n"
    "alice viewer sha256:a72bf14466a555a28f46b4fdba9d825359a9f1e5ebc9fa627fd113365cf67542\n"
    "bob operator sha256:6f1d43050a6f170c15134596b43221607e57f3d46421146dd5ec36c09b8ba73a\n";

const TokenStore* tokens = nullptr;
std::vector<Endpoint>* table = nullptr;
thread_local bool with_tokens = false;

void checkText(const std::string& s, const char* what) {
  fuzz::check(!fuzz::hasControl(s) && s.find('\t') == std::string::npos, what, s);
}

HttpResponse handler(const Endpoint& e, const Call& c) {
  if (with_tokens)
    fuzz::check(static_cast<int>(c.who.role) >= static_cast<int>(e.role),
                "a handler runs only with its role", e.path);
  else
    fuzz::check(e.role != Role::kOperator, "no operator endpoint without tokens", e.path);
  for (const auto& [name, value] : c.params) {
    fuzz::check(value.find('/') == std::string::npos && !value.empty(),
                "a path parameter is one non-empty segment", value);
    (void)name;
  }
  for (const auto& [name, value] : c.query) {
    checkText(name, "a query name has no control character");
    checkText(value, "a query value has no control character");
  }
  return HttpResponse{200, "text/plain", e.path, {}};
}

void buildTable() {
  struct Row {
    const char* method;
    const char* path;
    Role role;
  };
  static const Row rows[] = {
      {"GET", "/", Role::kNone},
      {"GET", "/healthz", Role::kNone},
      {"GET", "/readyz", Role::kNone},
      {"GET", "/metrics", Role::kNone},
      {"GET", "/api/v1/status", Role::kViewer},
      {"GET", "/api/v1/endpoints", Role::kViewer},
      {"GET", "/api/v1/messages", Role::kViewer},
      {"GET", "/api/v1/messages/{id}", Role::kViewer},
      {"POST", "/api/v1/messages/{id}/replay", Role::kOperator},
      {"POST", "/api/v1/replay", Role::kOperator},
      {"POST", "/api/v1/partners/{partner}/pause", Role::kOperator},
      {"POST", "/api/v1/partners/{partner}/resume", Role::kOperator},
      {"GET", "/api/v1/quarantine", Role::kViewer},
      {"GET", "/api/v1/quarantine/{id}", Role::kViewer},
      {"POST", "/api/v1/quarantine/{id}/replay", Role::kOperator},
      {"GET", "/api/v1/quarantine/{id}/proposals", Role::kViewer},
      {"POST", "/api/v1/quarantine/{id}/proposals", Role::kOperator},
      {"POST", "/api/v1/quarantine/{id}/proposals/{proposal}/approve", Role::kOperator},
      {"POST", "/api/v1/reload", Role::kOperator},
  };
  table = new std::vector<Endpoint>();
  table->reserve(std::size(rows));
  for (const Row& r : rows) {
    table->push_back(Endpoint{r.method, r.path, r.role, "fuzz", nullptr});
    Endpoint& e = table->back();
    e.handler = [&e](const Call& c) { return handler(e, c); };
  }
}

void checkRouted(const HttpRequest& req, bool use_tokens) {
  with_tokens = use_tokens;
  HttpResponse res = route(*table, req, use_tokens ? tokens : nullptr);
  const int s = res.status;
  fuzz::check(s == 200 || s == 400 || s == 401 || s == 403 || s == 404 || s == 405,
              "route answers a known status", req.target);
  if (s == 401) {
    fuzz::check(use_tokens, "401 only when tokens are configured", req.target);
    bool asks = false;
    for (const auto& [k, v] : res.headers) asks |= k == "WWW-Authenticate";
    fuzz::check(asks, "a 401 carries WWW-Authenticate", req.target);
  }
}

// As http_server.cc's Session: one request per parse, the server's limits.
bool parseRequest(std::string_view bytes, HttpRequest& out) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (!parser.is_done() && used < bytes.size()) {
    const size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return false;
    used += n;
    if (n == 0) break;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return false;
  }
  auto req = parser.release();
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.peer = "127.0.0.1:40000";
  for (const auto& f : req) out.headers.emplace_back(f.name_string(), f.value());
  out.body = std::move(req.body());
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto t = TokenStore::parse(kTokens);
  if (!t) fuzz::fail("fuzz tokens do not parse", t.error().message);
  tokens = new TokenStore(std::move(*t));
  buildTable();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HttpRequest req;
  if (!parseRequest(std::string_view(reinterpret_cast<const char*>(data), size), req)) return 0;
  checkRouted(req, true);
  checkRouted(req, false);

  const std::string_view target = req.target;
  const size_t q = target.find('?');
  if (q != std::string_view::npos) {
    if (auto query = parseQuery(target.substr(q + 1))) {
      for (const auto& [name, value] : *query) {
        checkText(name, "a query name has no control character");
        checkText(value, "a query value has no control character");
      }
    }
  }
  if (auto listen = parseListenAddress(target, false))
    fuzz::check(
        listen->host == "127.0.0.1" || listen->host.rfind("127.", 0) == 0 || listen->host == "::1",
        "a listen address that parses is loopback", req.target);
  auto parsed = TokenStore::parse(req.body);
  if (!parsed) checkText(parsed.error().message, "a tokens file error is one line");
  return 0;
}
