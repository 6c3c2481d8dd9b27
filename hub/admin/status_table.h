#pragma once
// What the operator commands print: pure functions of the admin API's JSON (no I/O), so the
// tables are tested without a hub. Unknown or missing fields print as empty or 0, never throw.
//
// statusTable: one row per partner (state, pending, in flight, retry wait, fallback, dead, dead
// within the legal deadline, circuit), the worst first: circuit open, then dead while the law
// still gives time, paused, dead, retrying or in fallback, ok; then one row per intake source
// (disconnected first) and whether the store is writable. The STATE column is the hub's own
// (circuit-open, paused) or, for an ok partner with trouble, what makes it worse than ok
// (dead-in-time, dead, degraded). With colour, ANSI red marks what needs action now, yellow what
// needs a look, green what is fine.
#include <boost/json/value.hpp>
#include <string>

namespace hub::admin {

std::string statusTable(const boost::json::value& status, bool colour);

// GET /api/v1/cluster: one row per hub instance sharing the store (id, state, heartbeat age, in
// flight), this one marked "*"; stale ones in red.
std::string clusterTable(const boost::json::value& cluster, bool colour);

// GET /api/v1/messages (state=dead): one row per delivery, the next cursor when there is more.
std::string deadDeliveriesTable(const boost::json::value& list);

// GET /api/v1/quarantine: one row per quarantined event, the next cursor when there is more.
std::string quarantineTable(const boost::json::value& list);

// Two-space indented JSON, keys in the order received, strings escaped as in serialize().
std::string prettyJson(const boost::json::value& v);

}  // namespace hub::admin
