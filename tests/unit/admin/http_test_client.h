#pragma once
// Blocking loopback client helpers for the HTTP server tests: plain POSIX sockets, every wait
// bounded by poll() with a deadline.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hub::admin::testing {

// An owned socket descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_;
};

// Connected TCP socket to 127.0.0.1:port (invalid Fd on failure).
Fd connectLoopback(int port);

// Sends every byte (no SIGPIPE); false on error.
bool sendAll(const Fd& fd, std::string_view data);

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers, CRLFs included
  std::string body;
  // Value of the first header with this name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// Reads one response framed by Content-Length; nullopt on timeout, EOF or a malformed head.
std::optional<RawResponse> readResponse(const Fd& fd, std::chrono::milliseconds timeout);

// Sends `request` and reads the response.
std::optional<RawResponse> exchange(const Fd& fd, std::string_view request,
                                    std::chrono::milliseconds timeout);

// True when the peer closes (EOF or reset) within timeout; data received meanwhile is dropped.
bool waitClosed(const Fd& fd, std::chrono::milliseconds timeout);

// "GET <target> HTTP/1.1" with Host and optional extra header lines (each ending in CRLF).
std::string get(std::string_view target, std::string_view extra = "");

}  // namespace hub::admin::testing
