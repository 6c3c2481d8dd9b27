#include "tests/unit/admin/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace hub::admin::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Waits until fd is readable or the deadline passes; false on timeout.
bool readable(int fd, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

}  // namespace

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Fd connectLoopback(int port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  if (!fd.valid()) return fd;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Fd();
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool sendAll(const Fd& fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawResponse::header(std::string_view name) const {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string line = head.substr(start, end - start);
    const size_t colon = line.find(':');
    if (colon == name.size() && ::strncasecmp(line.data(), name.data(), name.size()) == 0) {
      const size_t v = line.find_first_not_of(' ', colon + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
    pos = end;
  }
  return "";
}

std::optional<RawResponse> readResponse(const Fd& fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string data;
  RawResponse r;
  size_t need = std::string::npos;  // total bytes once the head is known
  char buf[8192];
  while (need == std::string::npos || data.size() < need) {
    if (!readable(fd.get(), deadline)) return std::nullopt;
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
    if (need != std::string::npos) continue;
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    r.head = data.substr(0, end + 4);
    if (r.head.compare(0, 9, "HTTP/1.1 ") != 0 && r.head.compare(0, 9, "HTTP/1.0 ") != 0)
      return std::nullopt;
    r.status = std::stoi(r.head.substr(9, 3));
    const std::string length = r.header("Content-Length");
    need = end + 4 + (length.empty() ? 0 : std::stoul(length));
  }
  r.body = data.substr(r.head.size(), need - r.head.size());
  return r;
}

std::optional<RawResponse> exchange(const Fd& fd, std::string_view request,
                                    std::chrono::milliseconds timeout) {
  if (!sendAll(fd, request)) return std::nullopt;
  return readResponse(fd, timeout);
}

bool waitClosed(const Fd& fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buf[4096];
  for (;;) {
    if (!readable(fd.get(), deadline)) return false;
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
}

std::string get(std::string_view target, std::string_view extra) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(extra) +
         "\r\n";
}

}  // namespace hub::admin::testing
