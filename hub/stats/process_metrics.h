#pragma once
// The process figures Prometheus client libraries export under the same names
// (process_cpu_seconds_total, process_resident_memory_bytes, ...), read from /proc at scrape.
// Parsing is pure (tested with fixed texts); reading /proc and registering are the I/O side.
#include <cstdint>
#include <optional>
#include <string_view>

#include "hub/stats/stats.h"

namespace hub::stats {

struct ProcessSample {
  double cpu_seconds = 0;         // utime + stime
  double start_time_seconds = 0;  // unix seconds
  double resident_bytes = 0;
  double virtual_bytes = 0;
};

// From the text of /proc/<pid>/stat, the boot time (unix seconds), clock ticks per second and
// the page size. Nullopt when the text is not what the kernel writes.
std::optional<ProcessSample> parseProcStat(std::string_view stat, int64_t boot_time_s,
                                           int64_t ticks_per_s, int64_t page_size);
// The "btime" line of /proc/stat.
std::optional<int64_t> parseBootTime(std::string_view proc_stat);

// Sets the process_* gauges now from /proc/self; a figure that cannot be read is left out.
void collectProcessMetrics(Stats& stats);
// Registers collectProcessMetrics to run at every scrape.
void registerProcessMetrics(Stats& stats);

}  // namespace hub::stats
