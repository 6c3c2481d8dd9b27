#pragma once
// One audit record as one line of JSON, sealed into the chain (pure: no I/O).
//
//   {"seq":7,"time":"2026-12-01T01:23:45.678Z","instance":"hub-1","oin":"0000...","action":
//    "delivered",...,"prev":"<sha256 hex of record 6>","hash":"<sha256 hex>"}
//
// `hash` is the SHA-256 of the line's bytes before `,"hash":"`: it covers every field, the
// sequence number and the previous record's hash. Changing, removing or inserting a record
// breaks the link of the record after it; changing a record breaks its own hash. The first
// record of a trail links to kGenesis (64 zeros); after retention removed old day files, the
// first remaining record links to the hash an `audit_purged` record names as its anchor.
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/core/result.h"
#include "hub/pipeline/audit.h"

namespace hub::audit {

inline const std::string kGenesis(64, '0');

struct Origin {
  std::string instance;  // this hub instance
  std::string oin;       // the municipality's (the hub's) OIN
};

struct Sealed {
  std::string line;  // ends with '\n'
  std::string hash;
};

Sealed seal(const AuditRecord& r, const Origin& o, int64_t seq, const std::string& prev);

struct ParsedLine {
  int64_t seq = 0;
  std::string prev, hash;
  bool hash_ok = false;  // the stored hash matches the line's content
  boost::json::object fields;
};

// Parses one line (without its '\n'); an error when it is not a sealed record.
Result<ParsedLine> parseLine(std::string_view line);

// The person hash: HMAC-SHA256 of every BSN of the event under the trail's key, hex, joined by
// ',' (most events name one person).
std::string personHash(std::string_view key, const std::vector<std::string>& bsns);

}  // namespace hub::audit
