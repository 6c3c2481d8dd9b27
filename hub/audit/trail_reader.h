#pragma once
// Reading the trail back: verification of the whole chain (`ketenhub audit verify`) and one
// case's records (`ketenhub audit export --case Z`). Reads the day files only; safe while the hub
// appends (an incomplete last line of the newest file is a write in progress, not damage).
#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "hub/audit/record_line.h"

namespace hub::audit {

struct VerifyReport {
  int64_t records = 0;
  int files = 0;
  int64_t first_seq = 0, last_seq = 0;
  std::string anchor;  // the hash the chain starts from, when retention removed older files
  // The first broken link (empty `why`: the chain is intact).
  std::string file;
  int64_t line = 0;
  int64_t seq = 0;
  std::string why;
  bool ok() const { return why.empty(); }
};

// Walks every record in chain order, checking each link; calls on_record for every intact record
// until the first broken one.
Result<VerifyReport> walkTrail(const std::string& dir,
                               const std::function<void(const ParsedLine&)>& on_record);

// One case's records, with the chain's verdict: {"case_id", "exported_at", "chain": {...},
// "records": [...]} (every record as written, its seq, prev and hash included).
Result<boost::json::object> exportCase(const std::string& dir, const std::string& case_id,
                                       int64_t now_ms);

boost::json::object reportJson(const VerifyReport& r);

}  // namespace hub::audit
