#pragma once
// A small client for the hub's own admin API, used by the operator commands (`ketenhub status`,
// `dlq`, `quarantine`). Plain http only to a loopback address; https only with a given CA file
// (never the system store). No proxy from the environment, 10 s timeouts, no redirects. The
// bearer token goes in the Authorization header and nowhere else (never in a message).
// Callers include no curl header: the easy handle lives in the .cc.
#include <memory>
#include <string>

#include "hub/core/result.h"

namespace hub::curl {

struct AdminClientOptions {
  std::string base_url;  // http://127.0.0.1:8081 or https://host:port
  std::string token;     // empty: no Authorization header
  std::string ca_file;   // PEM trust anchors for https
  long timeout_ms = 10000;
};

struct AdminResponse {
  long status = 0;
  std::string body;
};

class AdminClient {
 public:
  // Checks the URL (scheme, loopback for http, CA for https) and reads the CA file.
  static Result<std::unique_ptr<AdminClient>> create(AdminClientOptions opts);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // path_and_query starts with '/'. A transport failure is an error; any HTTP status is a value.
  Result<AdminResponse> get(const std::string& path_and_query);
  Result<AdminResponse> post(const std::string& path_and_query);

 private:
  struct Impl;
  explicit AdminClient(std::unique_ptr<Impl> impl);
  Result<AdminResponse> request(const char* method, const std::string& path_and_query);
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (query values, path segments).
std::string urlEscape(const std::string& s);

// Whether host (as in a URL, IPv6 in brackets) names this machine's loopback interface.
bool isLoopbackHost(const std::string& host);

}  // namespace hub::curl
