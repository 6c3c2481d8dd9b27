#include "tests/unit/tls/pki_fixture.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace hub::tls::testing {
namespace {

class PkiEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  const std::string& dir() {
    if (dir_.empty()) {
      char tmpl[] = "/tmp/ketenhub-tls-test.XXXXXX";
      if (::mkdtemp(tmpl) == nullptr) std::abort();
      dir_ = tmpl;
      std::string cmd = std::string("bash ") + KETENHUB_SOURCE_DIR +
                        "/deploy/pki/make-test-pki.sh " + dir_ + " >/dev/null";
      if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "make-test-pki.sh failed\n");
        std::abort();
      }
    }
    return dir_;
  }

 private:
  std::string dir_;
};

PkiEnvironment* g_env =
    static_cast<PkiEnvironment*>(::testing::AddGlobalTestEnvironment(new PkiEnvironment));

}  // namespace

const std::string& pkiDir() { return g_env->dir(); }

std::string shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) return {};
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace hub::tls::testing
