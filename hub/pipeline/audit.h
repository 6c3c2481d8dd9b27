#pragma once
// The audit trail (NEN 7513): one record per processing step and per operator action, append-only
// and hash-chained. The store writes the records of a state change in the same group commit,
// before the database commit: a step whose record could not be written is not performed (the
// batch is rolled back and retried, intake stops granting credit). Other callers (the admin API
// before it returns a payload or reloads) append directly and refuse when that fails.
//
// A record names the person concerned only by a keyed hash of the BSN (`person`), never in clear,
// and carries no payload: reasons are error codes and locations, `detail` holds hashes and JSON
// pointers, not values.
#include <cstdint>
#include <string>
#include <vector>

#include "hub/core/result.h"

namespace hub {

struct AuditRecord {
  int64_t at_ms = 0;       // when the step happened (UTC, ms)
  std::string action;      // received | quarantined | routed | attempt | mapped | signed | transfer
                           // | delivered | fallback | printed | dead | replayed | notified | ...
  std::string outcome;     // e.g. accepted, duplicate, delivered, transient_error, refused
  std::string message_id;  // the event's message-id
  std::string case_id;     // the zaaknummer
  std::string user;        // the natural person from the event's actor, or the operator
  std::string access_point;  // AMQP peer, or the admin client's address
  std::string partner, channel, product, delivery_id;
  std::string person;  // keyed hash of the BSN(s) of the person concerned (hex), or empty
  std::string reason;  // why (no personal data)
  std::string detail;  // hashes, counts, JSON pointers (no values)
};

// Who performed an operator action, and from where.
struct Actor {
  std::string user;          // the token's name, or "signal:SIGHUP"
  std::string access_point;  // "127.0.0.1:54321", or "local"
  std::string detail;        // what the action changed (hashes, JSON pointers; no values)
};

class AuditTrail {
 public:
  virtual ~AuditTrail() = default;
  // Appends the records in order, durably (written and synced) when it returns {}. All or
  // nothing: on an error none of them is in the trail and the chain is unchanged. Thread-safe.
  virtual Result<void> append(const std::vector<AuditRecord>& records) = 0;
  // False while appends fail; the last error says why (for /readyz).
  virtual bool writable() const = 0;
  virtual std::string lastError() const = 0;
};

}  // namespace hub
