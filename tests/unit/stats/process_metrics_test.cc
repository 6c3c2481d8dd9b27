#include "hub/stats/process_metrics.h"

#include <gtest/gtest.h>

#include <ctime>

namespace hub::stats {
namespace {

// A /proc/<pid>/stat line as Linux 6.1 writes it; the command name holds a space and a ')'.
constexpr const char* kStat =
    "4242 (kh worker) x) S 1 4242 4242 0 -1 4194560 12000 0 3 0 250 125 0 0 20 0 18 0 "
    "123456 987654321 2048 18446744073709551615 1 1 0 0 0 0 0 4096 17610 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessMetrics, ParsesProcSelfStat) {
  auto s = parseProcStat(kStat, 1700000000, 100, 4096);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 3.75);  // (250 + 125) / 100
  EXPECT_DOUBLE_EQ(s->start_time_seconds, 1700000000 + 1234.56);
  EXPECT_DOUBLE_EQ(s->virtual_bytes, 987654321);
  EXPECT_DOUBLE_EQ(s->resident_bytes, 2048.0 * 4096);
}

TEST(ProcessMetrics, RefusesWhatTheKernelDoesNotWrite) {
  EXPECT_FALSE(parseProcStat("", 0, 100, 4096));
  EXPECT_FALSE(parseProcStat("1 (x) S 1 2 3", 0, 100, 4096));
  EXPECT_FALSE(parseProcStat(kStat, 0, 0, 4096));
  std::string bad = kStat;
  bad.replace(bad.find(" 250 "), 5, " 2x0 ");
  EXPECT_FALSE(parseProcStat(bad, 0, 100, 4096));
}

TEST(ProcessMetrics, BootTimeFromProcStat) {
  EXPECT_EQ(parseBootTime("cpu  1 2 3\nintr 5\nbtime 1764547200\nprocesses 9\n"), 1764547200);
  EXPECT_FALSE(parseBootTime("cpu 1 2 3\n"));
}

TEST(ProcessMetrics, ReadsThisProcess) {
  Stats s;
  collectProcessMetrics(s);
  EXPECT_GT(s.gauge("process_resident_memory_bytes", ""), 0);
  EXPECT_GT(s.gauge("process_virtual_memory_bytes", ""), 0);
  EXPECT_GE(s.gauge("process_open_fds", ""), 3);
  EXPECT_GT(s.gauge("process_max_fds", ""), 0);
  EXPECT_GE(s.gauge("process_cpu_seconds_total", ""), 0);
  double start = s.gauge("process_start_time_seconds", "");
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // a test binary started within the hour
}

}  // namespace
}  // namespace hub::stats
