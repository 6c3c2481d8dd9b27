#include "tests/support/shared_pg_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <stdexcept>

namespace hub::testing {
namespace {

struct Shared {
  std::mutex mu;
  std::unique_ptr<PgServer> server;  // its destructor stops the server at exit, if still running
  std::string error;
  bool environment_added = false;
};

Shared& shared() {
  static Shared s;
  return s;
}

// Stops the server once every test has run, failed or not (RUN_ALL_TESTS tears down environments
// added while tests run, too). With --gtest_repeat the next iteration starts a fresh one.
class PgEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard lock(shared().mu);
    shared().server.reset();
    shared().error.clear();
  }
};

}  // namespace

PgServer& sharedPgServer() {
  Shared& s = shared();
  std::lock_guard lock(s.mu);
  if (s.server) return *s.server;
  if (!s.error.empty()) throw std::runtime_error(s.error);
  if (!s.environment_added) {
    ::testing::AddGlobalTestEnvironment(new PgEnvironment);  // gtest owns it
    s.environment_added = true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto started = PgServer::start();
  if (!started) {
    s.error = "test PostgreSQL did not start: " + started.error().message;
    throw std::runtime_error(s.error);
  }
  s.server = std::move(*started);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::fprintf(stderr, "test PostgreSQL on 127.0.0.1:%d in %s (started in %lld ms)\n",
               s.server->port(), s.server->dir().c_str(), static_cast<long long>(ms));
  return *s.server;
}

}  // namespace hub::testing
