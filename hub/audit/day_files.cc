#include "hub/audit/day_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "hub/core/error_codes.h"
#include "hub/core/unique_fd.h"

namespace hub::audit {
namespace fs = std::filesystem;
namespace {
constexpr int64_t kMaxLine = 1 << 20;  // records are small; a longer "line" is damage

bool isDay(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
}  // namespace

std::string dayOf(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string dayFileName(const std::string& day) { return "audit-" + day + ".jsonl"; }

Result<std::vector<DayFile>> listDayFiles(const std::string& dir) {
  std::vector<DayFile> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() != 22 || name.rfind("audit-", 0) != 0 || name.substr(16) != ".jsonl") continue;
    std::string day = name.substr(6, 10);
    if (isDay(day)) out.push_back({day, it->path().string()});
  }
  if (ec)
    return unexpected(errc::kIo, "cannot list the audit directory " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(),
            [](const DayFile& a, const DayFile& b) { return a.day < b.day; });
  return out;
}

Result<Tail> readTail(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return unexpected(errc::kIo, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return unexpected(errc::kIo, "cannot stat " + path + ": " + std::strerror(errno));
  Tail t;
  t.file_size = st.st_size;
  int64_t len = std::min<int64_t>(st.st_size, 2 * kMaxLine);
  std::string buf(static_cast<size_t>(len), '\0');
  int64_t off = st.st_size - len;
  for (int64_t got = 0; got < len;) {
    ssize_t n = ::pread(fd.get(), buf.data() + got, static_cast<size_t>(len - got), off + got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return unexpected(errc::kIo, "cannot read " + path + ": " + std::strerror(errno));
    got += n;
  }
  auto end = buf.rfind('\n');
  if (end == std::string::npos) {
    t.complete_size = len == st.st_size ? 0 : off;  // no complete line in the window
    return t;
  }
  t.complete_size = off + static_cast<int64_t>(end) + 1;
  auto start = end == 0 ? std::string::npos : buf.rfind('\n', end - 1);
  if (start == std::string::npos && off > 0) return t;  // the line is longer than the window
  size_t from = start == std::string::npos ? 0 : start + 1;
  t.last_line = buf.substr(from, end - from);
  return t;
}

}  // namespace hub::audit
