#pragma once
// The store's queries that run again and again while the hub runs (claims, the scheduler's
// wake-up, the gauges of every /metrics scrape and status call). Each must cost the same with a
// million deliveries waiting as with none: an index seek, never a scan of the deliveries
// (tests/unit/store/query_plan_test.cc holds their plans to that).
#include <string>

#include "hub/pipeline/store.h"
#include "hub/store/sql_db.h"

namespace hub::store::sql {

// Makes an attempt's row the given one when it exists (an attempt a stop interrupted is recorded
// again with its outcome): appended to "INSERT INTO attempts(...) VALUES/SELECT ...".
inline constexpr const char* kReplaceAttempt =
    "ON CONFLICT(delivery_seq,attempt) DO UPDATE SET started_at=excluded.started_at,"
    "finished_at=excluded.finished_at,channel=excluded.channel,outcome=excluded.outcome,"
    "http_status=excluded.http_status,reason=excluded.reason";

// An empty blob, as a literal.
inline const char* emptyBlob(Dialect d) { return d == Dialect::kSqlite ? "X''" : "'\\x'::bytea"; }
// The larger of two values (a scalar, not the aggregate).
inline const char* greatest(Dialect d) { return d == Dialect::kSqlite ? "MAX" : "GREATEST"; }

// A row of the claim queries (due, overdue, fallbackDue): the delivery and its event; the body
// is empty (the worker loads it).
DueDelivery readDue(const Stmt& s);
// Due deliveries of one partner on its coupling, per-case order respected (?1 partner, ?2 now,
// ?3 limit).
std::string due(Dialect d = Dialect::kSqlite);
// Deliveries of one partner waiting on its coupling past their deadline, soonest deadline first
// (?1 partner, ?2 now, ?3 limit).
std::string overdue(Dialect d = Dialect::kSqlite);
// Due deliveries on one fallback channel, all partners (?1 channel, ?2 now, ?3 limit).
std::string fallbackDue(Dialect d = Dialect::kSqlite);
// The soonest next_at of anything waiting (pending, retry_wait, fallback).
std::string nextDue(Dialect d = Dialect::kSqlite);
// The soonest next_at of one partner's deliveries waiting on its coupling that per-case order lets
// go, none while the partner is paused (?1 partner).
std::string nextDueOfPartner(Dialect d = Dialect::kSqlite);
// The soonest next_at on one fallback channel, paused partners' deliveries left out (?1 channel).
std::string nextDueOfChannel(Dialect d = Dialect::kSqlite);
// Per (partner, state): count, oldest created_at, past half their legal deadline (not counted
// for delivered ones), dead within their legal deadline (dead ones only) (?1 now).
std::string counts(Dialect d = Dialect::kSqlite);
// Final deliveries per (partner, channel they ended on, state).
std::string channelCounts(Dialect d = Dialect::kSqlite);

}  // namespace hub::store::sql
