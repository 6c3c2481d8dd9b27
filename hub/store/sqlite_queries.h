#pragma once
// The store's queries that run again and again while the hub runs (claims, the scheduler's
// wake-up, the gauges of every /metrics scrape and status call). Each must cost the same with a
// million deliveries waiting as with none: an index seek, never a scan of the deliveries
// (tests/unit/store/query_plan_test.cc holds their plans to that).
#include <string>

namespace hub::store::sql {

// Due deliveries of one partner on its coupling, per-case order respected (?1 partner, ?2 now,
// ?3 limit).
std::string due();
// Deliveries of one partner waiting on its coupling past their deadline, soonest deadline first
// (?1 partner, ?2 now, ?3 limit).
std::string overdue();
// Due deliveries on one fallback channel, all partners (?1 channel, ?2 now, ?3 limit).
std::string fallbackDue();
// The soonest next_at of anything waiting (pending, retry_wait, fallback).
std::string nextDue();
// The soonest next_at of one partner's deliveries waiting on its coupling that per-case order lets
// go, none while the partner is paused (?1 partner).
std::string nextDueOfPartner();
// The soonest next_at on one fallback channel, paused partners' deliveries left out (?1 channel).
std::string nextDueOfChannel();
// Per (partner, state): count, oldest created_at, past half their legal deadline (not counted
// for delivered ones), dead within their legal deadline (dead ones only) (?1 now).
std::string counts();
// Final deliveries per (partner, channel they ended on, state).
std::string channelCounts();

}  // namespace hub::store::sql
