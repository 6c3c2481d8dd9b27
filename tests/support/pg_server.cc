#include "tests/support/pg_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "hub/core/c_ptr.h"

namespace hub::testing {
namespace {

using PgConnPtr = CPtr<PGconn, PQfinish>;
using PgResultPtr = CPtr<PGresult, PQclear>;

Unexpected<Error> ioError(const std::string& what) {
  return unexpected("io", what + ": " + std::strerror(errno));
}

// Binds 127.0.0.1:0 and returns the port the kernel chose (closed again: the server binds it).
Result<int> freePort() {
  UniqueFd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!s.valid() || bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(s.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ioError("free port");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<std::string> randomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (getrandom(raw.data(), raw.size(), 0) != static_cast<ssize_t>(raw.size())) {
    return ioError("getrandom");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) hex += {kHex[c >> 4], kHex[c & 15]};
  return hex;
}

// Writes text to a new file with mode 0600, owned by `as` when switching users.
Result<void> writeSecretFile(const std::string& path, const std::string& text, const RunAs* as) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid() || !writeAll(fd.get(), text)) return ioError(path);
  if (as && as->switch_user && fchown(fd.get(), as->uid, as->gid) != 0) return ioError(path);
  return {};
}

// "name" with embedded quotes doubled (PQescapeIdentifier needs a connection for the same).
std::string quoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

Result<std::unique_ptr<PgServer>> PgServer::start() {
  std::unique_ptr<PgServer> server(new PgServer());
  if (auto ok = server->init(); !ok) return unexpected(ok.error());
  return server;
}

Result<void> PgServer::init() {
  owner_pid_ = getpid();
  const char* env_bindir = std::getenv("KETENHUB_PG_BINDIR");
  bindir_ = env_bindir && *env_bindir ? env_bindir : "/usr/lib/postgresql/15/bin";
  if (access((bindir_ + "/initdb").c_str(), X_OK) != 0) {
    return unexpected("config", bindir_ + "/initdb not found (install postgresql-15)");
  }
  auto as = pgRunAs();
  if (!as) return unexpected(as.error());
  run_as_ = *as;
  char tmpl[] = "/tmp/ketenhub-pg.XXXXXX";
  if (!mkdtemp(tmpl)) return ioError("mkdtemp");
  base_ = tmpl;
  // The guardian comes first: from here on, a crash leaves nothing behind.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ioError("pipe2");
  UniqueFd read_end(fds[0]);
  guardian_fd_ = UniqueFd(fds[1]);
  auto guardian = spawnGuardian(read_end.get(), run_as_, bindir_ + "/pg_ctl", base_);
  if (!guardian) return unexpected(guardian.error());
  guardian_pid_ = *guardian;
  if (run_as_.switch_user && chown(base_.c_str(), run_as_.uid, run_as_.gid) != 0) {
    return ioError("chown " + base_);
  }
  log_fd_ = UniqueFd(open(logFile().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!log_fd_.valid()) return ioError(logFile());
  if (run_as_.switch_user && fchown(log_fd_.get(), run_as_.uid, run_as_.gid) != 0) {
    return ioError("chown " + logFile());
  }
  if (mkdir(socketDir().c_str(), 0700) != 0 ||
      (run_as_.switch_user && chown(socketDir().c_str(), run_as_.uid, run_as_.gid) != 0)) {
    return ioError(socketDir());
  }
  if (auto ok = writeSecrets(); !ok) return ok;
  if (auto ok = runInitdb(); !ok) return ok;
  // The port is free when we look; should another process take it before the server binds it,
  // try another.
  for (int attempt = 1;; ++attempt) {
    auto port = freePort();
    if (!port) return unexpected(port.error());
    port_ = *port;
    auto ok = pgCtlStart();
    if (ok || attempt == 3 || logTail().find("could not bind") == std::string::npos) return ok;
  }
}

Result<void> PgServer::writeSecrets() {
  auto hex = randomHex(12);
  if (!hex) return unexpected(hex.error());
  password_ = *hex;
  password_file_ = base_ + "/password";
  return writeSecretFile(password_file_, password_ + "\n", nullptr);
}

Result<void> PgServer::runInitdb() {
  // initdb reads the password from a file it can read (as `postgres`), removed right after.
  const std::string pwfile = base_ + "/initdb.pw";
  if (auto ok = writeSecretFile(pwfile, password_ + "\n", &run_as_); !ok) return ok;
  auto rc = runAndWait({bindir_ + "/initdb", "-D", dataDir(), "-U", kSuperuser,
                        "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
                       run_as_, log_fd_.get());
  unlink(pwfile.c_str());
  if (!rc) return unexpected(rc.error());
  if (*rc != 0)
    return unexpected("io", "initdb failed (exit " + std::to_string(*rc) + "):\n" + logTail());
  return {};
}

Result<void> PgServer::pgCtlStart() {
  const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                              socketDir() +
                              " -c fsync=off -c synchronous_commit=on -c full_page_writes=off"
                              " -c max_connections=100 -c shared_buffers=32MB";
  if (auto ok = pgCtl({"start", "-w", "-t", "60", "-D", dataDir(), "-l", logFile(), "-o", options});
      !ok) {
    return ok;
  }
  running_ = true;
  return {};
}

Result<void> PgServer::pgCtl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{bindir_ + "/pg_ctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto rc = runAndWait(argv, run_as_, log_fd_.get());
  if (!rc) return unexpected(rc.error());
  if (*rc != 0) {
    return unexpected("io", "pg_ctl " + args[0] + " failed (exit " + std::to_string(*rc) +
                                "), tail of " + logFile() + ":\n" + logTail());
  }
  return {};
}

std::string PgServer::logTail() const {
  std::ifstream in(logFile());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string tail;
  for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) {
    tail += lines[i] + "\n";
  }
  return tail;
}

PgServer::~PgServer() {
  if (getpid() != owner_pid_) return;  // a forked copy of this process: the server is not ours
  bool clean = true;
  if (running_) clean = static_cast<bool>(pgCtl({"stop", "-D", dataDir(), "-m", "fast", "-w"}));
  log_fd_.reset();
  if (clean && !base_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
    clean = !ec;
  }
  // "done" releases the guardian; otherwise it sees end of file and cleans up itself.
  if (clean && guardian_fd_.valid()) writeAll(guardian_fd_.get(), "done\n");
  guardian_fd_.reset();
  if (guardian_pid_ > 0) {
    while (waitpid(guardian_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string PgServer::conninfo(const std::string& dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=" + dbname +
         " user=" + kSuperuser + " password=" + password_;
}

void PgServer::execute(const std::string& sql) {
  PgConnPtr conn(PQconnectdb((conninfo("postgres") + " connect_timeout=10").c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("connect to test PostgreSQL: " +
                             std::string(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PgResultPtr res(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
  }
}

void PgServer::createDatabase(const std::string& name) {
  execute("CREATE DATABASE " + quoteIdentifier(name) + " TEMPLATE template0 ENCODING 'UTF8'");
}

void PgServer::dropDatabase(const std::string& name) {
  execute("DROP DATABASE IF EXISTS " + quoteIdentifier(name) + " WITH (FORCE)");
}

void PgServer::stop() {
  if (!running_) return;
  if (auto ok = pgCtl({"stop", "-D", dataDir(), "-m", "fast", "-w"}); !ok) {
    throw std::runtime_error(ok.error().message);
  }
  running_ = false;
}

void PgServer::startAgain() {
  if (running_) return;
  if (auto ok = pgCtlStart(); !ok) throw std::runtime_error(ok.error().message);
}

}  // namespace hub::testing
