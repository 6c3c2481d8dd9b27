#pragma once
// The admin endpoints as one table: method, path (with {name} segments), the role it needs, a
// help line, the handler. route() matches a request against it: 404 for an unknown path, 405 for
// a known path with another method, 401 without a valid bearer token, 403 for a role too low
// (a viewer on a mutating endpoint). Open endpoints (Role::kNone: /healthz, /readyz, /metrics)
// need no token. Without admin.tokens_file, read-only endpoints are open on the loopback listener
// and mutating ones are refused (403) until tokens are configured.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/admin/http_server.h"
#include "hub/admin/tokens.h"

namespace hub::admin {

struct Call {
  const HttpRequest& req;
  std::map<std::string, std::string> params;  // {name} segments of the path
  std::map<std::string, std::string> query;   // decoded query parameters
  Identity who;                               // "anonymous" when open
};

using EndpointHandler = std::function<HttpResponse(const Call&)>;

struct Endpoint {
  const char* method;
  const char* path;
  Role role;
  const char* help;
  EndpointHandler handler;
};

HttpResponse route(const std::vector<Endpoint>& table, const HttpRequest& req,
                   const TokenStore* tokens);

// "a=1&b=x%20y" -> {a: 1, b: "x y"}; nullopt on bad percent-encoding or a control character.
std::optional<std::map<std::string, std::string>> parseQuery(std::string_view query);

// {"error": message} with the status.
HttpResponse jsonError(int status, const std::string& message);
HttpResponse json(int status, const std::string& body);

}  // namespace hub::admin
