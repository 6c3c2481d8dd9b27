#pragma once
// Plain HTTP request/response values between the partner-sim's server (I/O) and its logic (pure).
#include <string>
#include <utility>
#include <vector>

namespace hub::sim {

struct SimRequest {
  std::string method;                                        // "POST"
  std::string target;                                        // "/deliver?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  std::string body;
};

struct SimResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (e.g. Retry-After)
};

// What the TLS layer learned about the client from its verified certificate.
struct PeerInfo {
  std::string subject;
  std::string oin;  // subject serialNumber
};

}  // namespace hub::sim
