// The PostgreSQL backend of Db/Stmt (the only file that includes libpq-fe.h).
//
// Statements are prepared on the server once per connection and per set of parameter types:
// each bind says its type (bigint, text, bytea; a NULL leaves it to the server), so the shared
// SQL needs no casts. Results come as text; bytea columns are decoded. A connection that broke
// (the database restarted, a network cut) is made again on the next statement, and the
// statements prepared on it are prepared again; the operation that met the break fails (the
// store's writer keeps its batch and tries again).
//
// Error messages carry the server's primary message and SQLSTATE, never its DETAIL (which can
// quote the values of a row).
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <vector>

#include "hub/core/c_ptr.h"
#include "hub/core/error_codes.h"
#include "hub/store/pg_text.h"
#include "hub/store/sql_db.h"

namespace hub::store {
namespace {

constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kTextOid = 25;

using PgConnPtr = CPtr<PGconn, PQfinish>;
using PgResultPtr = CPtr<PGresult, PQclear>;

void ignoreNotice(void*, const char*) {}

std::string resultError(const PGresult* r, const PGconn* c) {
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = primary ? primary : (c ? PQerrorMessage(c) : "no connection");
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return "postgres: " + msg + (state ? std::string(" (") + state + ")" : std::string());
}

// The connection, shared by the Db and its statements (all on one thread at a time).
struct PgSession {
  std::string conninfo, password;
  std::string setup;  // run on every (re)connect, before anything else
  PgConnPtr conn;
  uint64_t generation = 0;  // bumped on every (re)connect: prepared statements are per connection
  int64_t changes = 0;
  int next_name = 0;
  bool in_tx = false;  // a transaction was open after the last command

  // A connection lost inside a transaction is not made again silently: what follows would run
  // outside the transaction. The statement fails; the caller's ROLLBACK ends it, and the next
  // statement connects again.
  Result<void> ensure() {
    if (conn && PQstatus(conn.get()) == CONNECTION_OK) return {};
    if (in_tx) {
      in_tx = false;
      return unexpected(errc::kStore, "postgres: connection lost in a transaction");
    }
    // Defaults first: the connection string overrides them; the password file overrides it.
    std::vector<const char*> keys = {"connect_timeout",  "keepalives_idle",  "keepalives_interval",
                                     "keepalives_count", "application_name", "dbname"};
    std::vector<const char*> values = {"5", "10", "5", "3", "ketenhub", conninfo.c_str()};
    if (!password.empty()) {
      keys.push_back("password");
      values.push_back(password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn) return unexpected(errc::kStore, "postgres: out of memory");
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn.get());
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      conn.reset();
      return unexpected(errc::kStore, "postgres: cannot connect: " + msg);
    }
    PQsetNoticeProcessor(conn.get(), ignoreNotice, nullptr);
    if (!setup.empty()) {
      PgResultPtr res(PQexec(conn.get(), setup.c_str()));
      const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
      if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        std::string err = resultError(res.get(), conn.get());
        conn.reset();
        return unexpected(errc::kStore, err);
      }
    }
    ++generation;
    return {};
  }
  void afterCommand() {
    const auto t = conn ? PQtransactionStatus(conn.get()) : PQTRANS_UNKNOWN;
    in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
  }
};

class PgStmt final : public StmtBackend {
 public:
  PgStmt(std::shared_ptr<PgSession> s, std::string sql) : s_(std::move(s)), sql_(std::move(sql)) {}
  // The server keeps a prepared statement until the connection ends: a statement prepared for one
  // query (the admin views) would otherwise leave one behind per call. Statements of an earlier
  // connection went with it. In a failed transaction DEALLOCATE fails too and the statement stays
  // until the connection ends (rare; nothing else is affected).
  ~PgStmt() override {
    res_.reset();
    if (names_.empty() || generation_ != s_->generation || !s_->conn ||
        PQstatus(s_->conn.get()) != CONNECTION_OK)
      return;
    for (const auto& [types, name] : names_) {
      PgResultPtr r(PQexec(s_->conn.get(), ("DEALLOCATE " + name).c_str()));
      s_->afterCommand();
    }
  }
  PgStmt(const PgStmt&) = delete;
  PgStmt& operator=(const PgStmt&) = delete;

  void bindInt(int i, int64_t v) override { set(i, kInt8Oid, std::to_string(v), false); }
  void bindText(int i, std::string_view v) override { set(i, kTextOid, pgText(v), false); }
  void bindBlob(int i, std::string_view v) override { set(i, kByteaOid, std::string(v), true); }
  void bindNull(int i) override {
    grow(i);
    params_[i - 1] = Param{0, {}, true, false};
  }

  Result<bool> step() override {
    if (!res_) {
      if (auto r = execute(); !r) {
        reset();
        return unexpected(r.error());
      }
    }
    ++row_;
    return row_ < PQntuples(res_.get());
  }
  void reset() override {
    res_.reset();
    row_ = -1;
    params_.clear();
  }
  int64_t int64(int col) const override {
    if (isNull(col)) return 0;
    const char* v = PQgetvalue(res_.get(), row_, col);
    if (PQftype(res_.get(), col) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  std::string text(int col) const override {
    if (isNull(col)) return {};
    const char* v = PQgetvalue(res_.get(), row_, col);
    if (PQftype(res_.get(), col) != kByteaOid)
      return std::string(v, static_cast<size_t>(PQgetlength(res_.get(), row_, col)));
    size_t n = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
    if (!raw) return {};
    std::string out(reinterpret_cast<const char*>(raw), n);
    PQfreemem(raw);
    return out;
  }
  bool isNull(int col) const override {
    return !res_ || row_ < 0 || row_ >= PQntuples(res_.get()) || PQgetisnull(res_.get(), row_, col);
  }

 private:
  struct Param {
    Oid type = 0;
    std::string value;
    bool null = true;
    bool binary = false;
  };

  void grow(int i) {
    if (params_.size() < static_cast<size_t>(i)) params_.resize(static_cast<size_t>(i));
  }
  void set(int i, Oid type, std::string value, bool binary) {
    grow(i);
    params_[i - 1] = Param{type, std::move(value), false, binary};
  }

  Result<void> execute() {
    if (auto r = s_->ensure(); !r) return r;
    PGconn* c = s_->conn.get();
    if (generation_ != s_->generation) {
      names_.clear();
      generation_ = s_->generation;
    }
    std::string signature;
    std::vector<Oid> types;
    for (const auto& p : params_) {
      types.push_back(p.type);
      signature += std::to_string(p.type) + ",";
    }
    auto named = names_.find(signature);
    if (named == names_.end()) {
      std::string name = "kh" + std::to_string(s_->next_name++);
      PgResultPtr prep(
          PQprepare(c, name.c_str(), sql_.c_str(), static_cast<int>(types.size()), types.data()));
      s_->afterCommand();
      if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
        return unexpected(errc::kStore, resultError(prep.get(), c));
      named = names_.emplace(signature, std::move(name)).first;
    }
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params_) {
      values.push_back(p.null ? nullptr : p.value.data());
      lengths.push_back(static_cast<int>(p.value.size()));
      formats.push_back(p.binary ? 1 : 0);
    }
    res_.reset(PQexecPrepared(c, named->second.c_str(), static_cast<int>(values.size()),
                              values.data(), lengths.data(), formats.data(), 0));
    s_->afterCommand();
    const ExecStatusType st = res_ ? PQresultStatus(res_.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      std::string err = resultError(res_.get(), c);
      res_.reset();
      return unexpected(errc::kStore, err);
    }
    const char* n = PQcmdTuples(res_.get());
    s_->changes = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    return {};
  }

  std::shared_ptr<PgSession> s_;
  std::string sql_;  // with $1, $2, ...
  std::vector<Param> params_;
  uint64_t generation_ = 0;
  std::map<std::string, std::string> names_;  // parameter types -> prepared statement name
  PgResultPtr res_;
  int row_ = -1;
};

class PgDb final : public DbBackend {
 public:
  explicit PgDb(std::shared_ptr<PgSession> s) : s_(std::move(s)) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<void> exec(const std::string& sql) override {
    if (auto r = s_->ensure(); !r) return r;
    PgResultPtr res(PQexec(s_->conn.get(), sql.c_str()));
    s_->afterCommand();
    const ExecStatusType st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
      return unexpected(errc::kStore, resultError(res.get(), s_->conn.get()));
    const char* n = PQcmdTuples(res.get());
    s_->changes = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    return {};
  }
  Result<Stmt> prepare(const std::string& sql) override {
    return Stmt(std::make_unique<PgStmt>(s_, pgPlaceholders(sql)));
  }
  int64_t changes() const override { return s_->changes; }
  bool inTransaction() const override {
    if (!s_->conn) return false;
    const auto t = PQtransactionStatus(s_->conn.get());
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
  }
  std::string lastError() const override {
    return s_->conn ? PQerrorMessage(s_->conn.get()) : "no connection";
  }

 private:
  std::shared_ptr<PgSession> s_;
};

}  // namespace

Result<Db> Db::openPostgres(const std::string& conninfo, const std::string& password_file,
                            const std::string& session_setup) {
  auto s = std::make_shared<PgSession>();
  s->conninfo = conninfo;
  s->setup = session_setup;
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) return unexpected(errc::kStore, "postgres: cannot read the password file");
    std::getline(in, s->password);
    while (!s->password.empty() && (s->password.back() == '\r' || s->password.back() == ' '))
      s->password.pop_back();
  }
  if (auto r = s->ensure(); !r) return unexpected(r.error());
  return Db(std::make_unique<PgDb>(std::move(s)));
}

}  // namespace hub::store
