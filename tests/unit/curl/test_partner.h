#pragma once
// Test partners for the hub/curl unit tests: a throwaway PKI (make_test_pki.sh) and real TLS
// servers on 127.0.0.1 port 0 (tls_test_server.py, /usr/bin/python3), killed by their owner.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub/curl/client_settings.h"

extern char** environ;

namespace hub::curl::testing {

inline std::string sourceDir() {
  const char* env = std::getenv("KETENHUB_SOURCE_DIR");
  return env ? env : KETENHUB_SOURCE_DIR;
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A fresh temporary directory holding the test PKI; removed on destruction.
class TestPki {
 public:
  TestPki() {
    char tmpl[] = "/tmp/ketenhub-curl-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::string cmd = "bash " + sourceDir() + "/tests/unit/curl/make_test_pki.sh " + dir_;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make_test_pki.sh failed");
  }
  ~TestPki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string pin(const std::string& server) const {
    std::string p = readText(path(server + ".pin"));
    while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
    return p;
  }

 private:
  std::string dir_;
};

// The partner "om" at `url` as the test PKI makes it: CA ca1 trusted, client certificate
// "client", 3 s to connect, 5 s per request.
inline HttpsTarget partnerTarget(const TestPki& pki, const std::string& url, int concurrency) {
  HttpsTarget p;
  p.code = "om";
  p.endpoint = url;
  p.tls.ca_files = {pki.path("ca1.pem")};
  p.tls.client_cert = pki.path("client.pem");
  p.tls.client_key = pki.path("client.key");
  p.concurrency = concurrency;
  p.connect_timeout = Millis(3000);
  p.request_timeout = Millis(5000);
  return p;
}

// One tls_test_server.py process. Its log lists connections, failed handshakes and requests.
class TestServer {
 public:
  TestServer(const TestPki& pki, const std::string& name, const std::string& cert,
             const std::string& mode = "default", bool require_client_cert = true)
      : log_(pki.path(name + ".log")) {
    std::vector<std::string> args = {"/usr/bin/python3",
                                     sourceDir() + "/tests/unit/curl/tls_test_server.py",
                                     "--cert",
                                     pki.path(cert + ".pem"),
                                     "--key",
                                     pki.path(cert + ".key"),
                                     "--mode",
                                     mode,
                                     "--log",
                                     log_};
    if (require_client_cert) {
      args.push_back("--client-ca");
      args.push_back(pki.path("ca1.pem"));
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      throw std::runtime_error("cannot start tls_test_server.py");
    }
    stdout_ = fds[0];
    port_ = readPort();
  }
  ~TestServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (stdout_ >= 0) close(stdout_);
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Log lines, in order.
  std::vector<std::string> log() const {
    std::vector<std::string> lines;
    std::istringstream in(readText(log_));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  int count(const std::string& event) const {
    int n = 0;
    for (const auto& line : log()) {
      if (line.find("\"event\": \"" + event + "\"") != std::string::npos) ++n;
    }
    return n;
  }
  std::string lastRequest() const {
    std::string last;
    for (const auto& line : log()) {
      if (line.find("\"event\": \"request\"") != std::string::npos) last = line;
    }
    return last;
  }

 private:
  int readPort() {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (out.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{stdout_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[64];
      ssize_t n = read(stdout_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    if (out.rfind("PORT ", 0) != 0) throw std::runtime_error("test server did not start: " + out);
    return std::stoi(out.substr(5));
  }

  std::string log_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = 0;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline int closedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace hub::curl::testing
