// The test PostgreSQL server (tests/support): databases, password authentication over TCP,
// stop/start, and that nothing is left behind, not even when the process dies without cleanup.
#include "tests/support/pg_server.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "hub/core/c_ptr.h"
#include "tests/support/shared_pg_server.h"

namespace fs = std::filesystem;
using hub::testing::PgServer;
using hub::testing::sharedPgServer;

namespace {

using Conn = hub::CPtr<PGconn, PQfinish>;
using Res = hub::CPtr<PGresult, PQclear>;

Conn connect(const std::string& conninfo) {
  return Conn(PQconnectdb((conninfo + " connect_timeout=5").c_str()));
}

std::string queryOne(PGconn* conn, const char* sql) {
  Res res(PQexec(conn, sql));
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
    return "error: " + std::string(PQerrorMessage(conn));
  return PQgetvalue(res.get(), 0, 0);
}

std::string replacePassword(std::string conninfo, const std::string& from, const std::string& to) {
  return conninfo.replace(conninfo.find("password=" + from), 9 + from.size(), "password=" + to);
}

// Not counting a zombie: the postmaster's parent is init, which need not reap it promptly.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close_paren = text.rfind(')');
  return close_paren != std::string::npos && text.substr(close_paren + 2, 1) != "Z";
}

template <class F>
bool eventually(F done, std::chrono::seconds limit = std::chrono::seconds(15)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

TEST(PgServer, TwoDatabasesWithPasswordOverTcp) {
  PgServer& pg = sharedPgServer();
  EXPECT_EQ(pg.conninfo("a"), "host=127.0.0.1 port=" + std::to_string(pg.port()) +
                                  " dbname=a user=ketenhub_admin password=" + pg.password());
  EXPECT_EQ(pg.password().size(), 24u);
  for (const std::string db : {"pg_server_one", "pg_server_two"}) {
    pg.createDatabase(db);
    Conn conn = connect(pg.conninfo(db));
    ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
    EXPECT_EQ(queryOne(conn.get(), "SELECT 1"), "1");
    EXPECT_EQ(queryOne(conn.get(), "SELECT current_database()"), db);
    EXPECT_EQ(queryOne(conn.get(),
                       "SELECT pg_encoding_to_char(encoding) FROM pg_database "
                       "WHERE datname = current_database()"),
              "UTF8");
    EXPECT_EQ(queryOne(conn.get(), "SELECT inet_server_addr()"), "127.0.0.1");
  }
}

TEST(PgServer, WrongPasswordIsRefused) {
  PgServer& pg = sharedPgServer();
  pg.createDatabase("pg_server_wrong_password");
  Conn conn = connect(replacePassword(pg.conninfo("pg_server_wrong_password"), pg.password(),
                                      "0123456789abcdef01234567"));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(conn.get())).find("password authentication failed"),
            std::string::npos)
      << PQerrorMessage(conn.get());
  Conn none =
      connect(replacePassword(pg.conninfo("pg_server_wrong_password"), pg.password(), "''"));
  EXPECT_EQ(PQstatus(none.get()), CONNECTION_BAD);
}

TEST(PgServer, PasswordFileIsPrivate) {
  PgServer& pg = sharedPgServer();
  std::ifstream in(pg.passwordFile());
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, pg.password());
  struct stat st {};
  ASSERT_EQ(stat(pg.passwordFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, geteuid());
}

TEST(PgServer, DropDatabaseEndsItsSessions) {
  PgServer& pg = sharedPgServer();
  pg.createDatabase("pg_server_dropped");
  Conn open_session = connect(pg.conninfo("pg_server_dropped"));
  ASSERT_EQ(PQstatus(open_session.get()), CONNECTION_OK);
  pg.dropDatabase("pg_server_dropped");
  Conn conn = connect(pg.conninfo("pg_server_dropped"));
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_BAD);
  EXPECT_NO_THROW(pg.dropDatabase("pg_server_dropped"));  // IF EXISTS
}

TEST(PgServer, NamesAreQuotedAndErrorsThrown) {
  PgServer& pg = sharedPgServer();
  const std::string odd = "odd \"name\"; DROP DATABASE postgres";
  pg.createDatabase(odd);
  EXPECT_THROW(pg.createDatabase(odd), std::runtime_error);  // exists already
  Conn conn = connect(pg.conninfo("postgres"));
  EXPECT_EQ(queryOne(conn.get(),
                     "SELECT count(*) FROM pg_database WHERE datname IN "
                     "('postgres', 'odd \"name\"; DROP DATABASE postgres')"),
            "2");
  pg.dropDatabase(odd);
}

TEST(PgServer, StopAndStartAgainKeepTheData) {
  std::string dir;
  {
    auto started = PgServer::start();
    ASSERT_TRUE(started) << started.error().message;
    PgServer& pg = **started;
    dir = pg.dir();
    pg.createDatabase("kept");
    const int port = pg.port();
    pg.stop();
    EXPECT_FALSE(pg.running());
    EXPECT_EQ(PQstatus(connect(pg.conninfo("kept")).get()), CONNECTION_BAD);
    pg.startAgain();
    EXPECT_EQ(pg.port(), port);
    Conn conn = connect(pg.conninfo("kept"));
    EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  }  // the destructor stops the server and removes its dir
  EXPECT_FALSE(fs::exists(dir));
}

// A process that starts a server and dies without destructors: the guardian stops the server
// and removes the temp dir.
TEST(PgServer, GuardianCleansUpAfterACrash) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto started = PgServer::start();
    std::string report = "failed\n";
    if (started) {
      std::ifstream pidfile((*started)->dataDir() + "/postmaster.pid");
      std::string postmaster;
      std::getline(pidfile, postmaster);
      report = (*started)->dir() + "\n" + postmaster + "\n";
    }
    hub::writeAll(fds[1], report);
    _exit(0);  // no destructors
  }
  close(fds[1]);
  std::string report;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  close(fds[0]);
  waitpid(child, nullptr, 0);
  const auto nl = report.find('\n');
  ASSERT_NE(report, "failed\n");
  ASSERT_NE(nl, std::string::npos);
  const std::string dir = report.substr(0, nl);
  const pid_t postmaster = std::stoi(report.substr(nl + 1));
  EXPECT_TRUE(eventually([&] { return !alive(postmaster); })) << "postmaster " << postmaster;
  EXPECT_TRUE(eventually([&] { return !fs::exists(dir); })) << dir;
}

}  // namespace
