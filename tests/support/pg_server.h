#pragma once
// A private PostgreSQL server for tests: its own temp dir under /tmp (mkdtemp), initdb with the
// superuser `ketenhub_admin` (trust on the Unix socket, scram-sha-256 over TCP, a random
// 24-hex-character password), listening on 127.0.0.1 and a free port, fsync off. Never touches
// the system cluster or service. When we are root, initdb and the server run as `postgres`.
//
// Everything it starts it stops: the destructor (pg_ctl stop -m fast, then the temp dir removed),
// and a guardian child that stops the server (-m immediate) and removes the dir should this
// process die without running destructors (crash, abort, SIGKILL, a ctest timeout).
//
// Startup (initdb + start) takes about a second; share one server per test binary
// (shared_pg_server.h) and give each test its own database.
#include <sys/types.h>

#include <memory>
#include <string>

#include "hub/core/result.h"
#include "hub/core/unique_fd.h"
#include "tests/support/pg_process.h"

namespace hub::testing {

class PgServer {
 public:
  static constexpr const char* kSuperuser = "ketenhub_admin";

  // initdb + pg_ctl start; the error carries the tail of the server log. Binaries from
  // $KETENHUB_PG_BINDIR, else /usr/lib/postgresql/15/bin.
  static Result<std::unique_ptr<PgServer>> start();

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // "host=127.0.0.1 port=N dbname=X user=ketenhub_admin password=P" (TCP, scram-sha-256).
  std::string conninfo(const std::string& dbname) const;

  // CREATE DATABASE name TEMPLATE template0 ENCODING 'UTF8' / DROP DATABASE IF EXISTS name
  // WITH (FORCE) (ends its sessions). Throw std::runtime_error with the server's message.
  void createDatabase(const std::string& name);
  void dropDatabase(const std::string& name);

  // pg_ctl stop -m fast -w; the data dir stays (startAgain brings it back on the same port).
  // Does nothing when already stopped; throws std::runtime_error if pg_ctl fails.
  void stop();
  // pg_ctl start -w with the same data, port and password; throws std::runtime_error.
  void startAgain();
  bool running() const { return running_; }

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  // A file (mode 0600, owned by this process's user) holding the password and a newline.
  const std::string& passwordFile() const { return password_file_; }
  const std::string& dir() const { return base_; }  // the temp dir; removed by the destructor
  std::string dataDir() const { return base_ + "/data"; }
  std::string socketDir() const { return base_ + "/sock"; }
  std::string logFile() const { return base_ + "/server.log"; }

 private:
  PgServer() = default;
  Result<void> init();
  Result<void> writeSecrets();
  Result<void> runInitdb();
  Result<void> pgCtlStart();
  Result<void> pgCtl(const std::vector<std::string>& args);
  std::string logTail() const;
  void execute(const std::string& sql);

  std::string bindir_;
  std::string base_;
  std::string password_;
  std::string password_file_;
  int port_ = 0;
  bool running_ = false;
  RunAs run_as_;
  UniqueFd log_fd_;
  UniqueFd guardian_fd_;  // write end of the guardian's pipe
  pid_t guardian_pid_ = -1;
  pid_t owner_pid_ = -1;  // a forked child (death test) must not stop the server
};

}  // namespace hub::testing
