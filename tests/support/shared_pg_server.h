#pragma once
// One private PostgreSQL server per test binary, started on first use and stopped after the last
// test (a GoogleTest environment's TearDown; a static's destructor when no test run is going on;
// the server's guardian if the binary dies). Tests share it and each create their own database:
//
//   auto& pg = hub::testing::sharedPgServer();
//   pg.createDatabase("store_roundtrip");
//   ... PQconnectdb(pg.conninfo("store_roundtrip").c_str()) ...
//
// A test that stops or restarts PostgreSQL should start its own PgServer instead.
#include "tests/support/pg_server.h"

namespace hub::testing {

// Throws std::runtime_error (with the server log's tail) when the server cannot start; later
// calls throw the same error without trying again.
PgServer& sharedPgServer();

}  // namespace hub::testing
