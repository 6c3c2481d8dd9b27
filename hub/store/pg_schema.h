#pragma once
// The PostgreSQL schema, as migrations like schema.cc's SQLite ones.
//
// Migration 1 creates at once the schema the nine SQLite migrations build up step by step: a
// fresh PostgreSQL database has no history to replay, so the SQLite steps (ALTER TABLE ... ADD
// COLUMN, an index dropped and made again, the initial fill of delivery_counts) collapse into
// their final state. From here on the rule of schema.cc holds: a released migration is never
// edited, a change is a new migration appended to the list, and a change to the schema is made
// in both lists. Each string is sent in one PQexec (several statements; function bodies are
// dollar-quoted); the caller runs it in a transaction and keeps the version in schema_version.
#include <string>
#include <vector>

namespace hub::store {

const std::vector<std::string>& postgresMigrations();

}  // namespace hub::store
