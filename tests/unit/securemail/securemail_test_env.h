#pragma once
// The securemail unit tests' world: a test PKI made once per binary (deploy/pki/make-test-pki.sh),
// an SMTP relay (smtp_test_server.py on 127.0.0.1 port 0, /usr/bin/python3 + aiosmtpd) and a
// synthetic ChannelInput. No personal data anywhere.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub/pipeline/channel.h"
#include "hub/tls/digest.h"

extern char** environ;

namespace hub::securemail::testing {

inline std::string sourceDir() {
  const char* env = std::getenv("KETENHUB_SOURCE_DIR");
  return env ? env : KETENHUB_SOURCE_DIR;
}

inline std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs a shell command; its stdout (trailing newlines stripped), or "" when it failed.
inline std::string shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) return {};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// ca.crt, hub-sign.{crt,key}, partner-om.{crt,key} (SAN 127.0.0.1), rogue-partner.*, smtp.pass.
inline const std::string& pkiDir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/ketenhub-securemail-test.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    std::string d = tmpl;
    std::string cmd = "bash " + sourceDir() + "/deploy/pki/make-test-pki.sh " + d + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) std::abort();
    std::ofstream(d + "/smtp.pass") << "test-password-1\n";
    ::chmod((d + "/smtp.pass").c_str(), 0600);
    static std::string to_remove = d;
    std::atexit([] { std::filesystem::remove_all(to_remove); });
    return d;
  }();
  return dir;
}
inline std::string pki(const std::string& name) { return pkiDir() + "/" + name; }

inline std::string syntheticProduct() {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<kennisgeving xmlns=\"urn:test\"><zaak>ZK-2026-000123</zaak>"
         "<betrokkene><bsn>999990019</bsn><naam>Test Persoon</naam></betrokkene>"
         "<Signature>synthetic</Signature></kennisgeving>\n";
}

inline ChannelInput syntheticInput() {
  ChannelInput in;
  in.delivery_id = "3f2a1c9e-7d41-5b8e-9a0c-1e2d3c4b5a69";
  in.message_id = "msg-1";
  in.case_id = "ZK-2026-000123";
  in.event_type = "wvggz.crisismaatregel.genomen";
  in.partner = "om";
  in.product = "kennisgeving-crisismaatregel";
  in.process_step = "Kennisgeving crisismaatregel";
  in.signed_product = syntheticProduct();
  in.product_sha256 = tls::hexEncode(tls::sha256(in.signed_product));
  in.now_ms = 1795331700000;  // 2026-11-22T07:15:00Z
  return in;
}

// One smtp_test_server.py process, stopped by the destructor.
class SmtpTestServer {
 public:
  explicit SmtpTestServer(const std::string& mode, const std::string& cert = "partner-om")
      : dir_(makeDir()) {
    std::filesystem::create_directories(dir_ + "/store");
    std::vector<std::string> args = {"/usr/bin/python3",
                                     sourceDir() + "/tests/unit/securemail/smtp_test_server.py",
                                     "--cert",
                                     pki(cert + ".crt"),
                                     "--key",
                                     pki(cert + ".key"),
                                     "--store",
                                     dir_ + "/store",
                                     "--log",
                                     dir_ + "/log",
                                     "--mode",
                                     mode,
                                     "--user",
                                     "ketenhub",
                                     "--password",
                                     "test-password-1"};
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
      throw std::runtime_error("cannot start smtp_test_server.py");
    }
    stdout_ = fds[0];
    port_ = readPort();
  }
  ~SmtpTestServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (stdout_ >= 0) close(stdout_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::string stored(int n, const std::string& ext) const {
    return dir_ + "/store/" + std::to_string(n) + "." + ext;
  }
  int storedCount() const {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/store"))
      n += e.path().extension() == ".eml";
    return n;
  }
  int count(const std::string& event) const {
    std::istringstream in(readAll(dir_ + "/log"));
    int n = 0;
    for (std::string line; std::getline(in, line);)
      n += line.find("\"event\": \"" + event + "\"") != std::string::npos;
    return n;
  }
  std::string log() const { return readAll(dir_ + "/log"); }

 private:
  static std::string makeDir() {
    char tmpl[] = "/tmp/ketenhub-smtp-server.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
  }
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
    if (out.rfind("PORT ", 0) != 0) throw std::runtime_error("smtp server did not start: " + out);
    return std::stoi(out.substr(5));
  }

  std::string dir_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = 0;
};

}  // namespace hub::securemail::testing
