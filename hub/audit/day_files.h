#pragma once
// The trail's files: one per UTC day, "audit-YYYY-MM-DD.jsonl", in one directory. Names sort in
// time order; the chain runs through them in that order.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/result.h"

namespace hub::audit {

struct DayFile {
  std::string day;   // YYYY-MM-DD
  std::string path;  // dir/audit-YYYY-MM-DD.jsonl
};

// The day files in `dir`, oldest first (other files are ignored). Empty when dir is missing.
Result<std::vector<DayFile>> listDayFiles(const std::string& dir);

std::string dayOf(int64_t unix_ms);  // UTC date, YYYY-MM-DD
std::string dayFileName(const std::string& day);

// The last complete line of a file (without its '\n'), and the file's size up to and including
// it: a torn last line (a crash during a write) lies past that size. nullopt line when there is
// no complete line.
struct Tail {
  std::optional<std::string> last_line;
  int64_t complete_size = 0;
  int64_t file_size = 0;
};
Result<Tail> readTail(const std::string& path);

}  // namespace hub::audit
