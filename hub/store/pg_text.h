#pragma once
// Pure helpers of the PostgreSQL backend (hub/store/pg_db.cc), kept apart to be tested alone.
#include <string>
#include <string_view>

namespace hub::store {

// The store's SQL numbers its parameters ?1, ?2, ... (SQLite); PostgreSQL's are $1, $2, ....
// Question marks inside quoted literals or identifiers are left alone.
std::string pgPlaceholders(std::string_view sql);

// A value for a PostgreSQL text column: the bytes as they are when they are UTF-8 without NUL
// (nearly always); otherwise each byte that is not part of a valid UTF-8 sequence, and each NUL,
// becomes U+FFFD. Text columns hold identifiers, states and reasons; payloads are bytea and kept
// byte for byte.
std::string pgText(std::string_view v);

}  // namespace hub::store
