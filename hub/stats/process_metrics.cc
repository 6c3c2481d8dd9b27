#include "hub/stats/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace hub::stats {
namespace {

std::optional<int64_t> toInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> slurp(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Entries of /proc/self/fd (the directory's own descriptor included, as client libraries do).
std::optional<int64_t> openFds() {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return std::nullopt;
  int64_t n = 0;
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

}  // namespace

std::optional<ProcessSample> parseProcStat(std::string_view stat, int64_t boot_time_s,
                                           int64_t ticks_per_s, int64_t page_size) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; it ends at the last ')'.
  auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_s <= 0) return std::nullopt;
  std::vector<std::string_view> f;  // f[0] is field 3 (state)
  std::string_view rest = stat.substr(close + 1);
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n')) ++i;
    size_t j = i;
    while (j < rest.size() && rest[j] != ' ' && rest[j] != '\n') ++j;
    if (j > i) f.push_back(rest.substr(i, j - i));
    i = j;
  }
  if (f.size() < 22) return std::nullopt;
  // Fields 14 utime, 15 stime, 22 starttime (ticks since boot), 23 vsize (bytes), 24 rss (pages).
  auto utime = toInt(f[11]), stime = toInt(f[12]), start = toInt(f[19]), vsize = toInt(f[20]),
       rss = toInt(f[21]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  ProcessSample s;
  const double ticks = static_cast<double>(ticks_per_s);
  s.cpu_seconds = static_cast<double>(*utime + *stime) / ticks;
  s.start_time_seconds = static_cast<double>(boot_time_s) + static_cast<double>(*start) / ticks;
  s.virtual_bytes = static_cast<double>(*vsize);
  s.resident_bytes = static_cast<double>(*rss) * static_cast<double>(page_size);
  return s;
}

std::optional<int64_t> parseBootTime(std::string_view proc_stat) {
  size_t at = 0;
  while (at < proc_stat.size()) {
    size_t end = proc_stat.find('\n', at);
    if (end == std::string_view::npos) end = proc_stat.size();
    std::string_view line = proc_stat.substr(at, end - at);
    if (line.rfind("btime ", 0) == 0) return toInt(line.substr(6));
    at = end + 1;
  }
  return std::nullopt;
}

void collectProcessMetrics(Stats& stats) {
  static const std::optional<int64_t> boot = [] {
    auto text = slurp("/proc/stat");
    return text ? parseBootTime(*text) : std::nullopt;
  }();
  auto text = slurp("/proc/self/stat");
  if (text && boot) {
    if (auto s = parseProcStat(*text, *boot, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE))) {
      stats.setGauge("process_cpu_seconds_total", "", s->cpu_seconds);
      stats.setGauge("process_start_time_seconds", "", s->start_time_seconds);
      stats.setGauge("process_resident_memory_bytes", "", s->resident_bytes);
      stats.setGauge("process_virtual_memory_bytes", "", s->virtual_bytes);
    }
  }
  if (auto n = openFds()) stats.setGauge("process_open_fds", "", static_cast<double>(*n));
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
    stats.setGauge("process_max_fds", "", static_cast<double>(lim.rlim_cur));
}

void registerProcessMetrics(Stats& stats) { stats.addCollector(collectProcessMetrics); }

}  // namespace hub::stats
