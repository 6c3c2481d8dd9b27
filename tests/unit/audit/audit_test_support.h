#pragma once
// Shared helpers for the audit-trail tests: a temporary directory, a hand-driven clock, records,
// and reading/rewriting day files line by line.
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <atomic>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hub/audit/day_files.h"
#include "hub/audit/file_trail.h"
#include "hub/audit/record_line.h"
#include "hub/audit/trail_reader.h"
#include "hub/core/time_source.h"
#include "hub/core/unique_fd.h"
#include "hub/pipeline/audit.h"

namespace hub::audit::test_support {

inline constexpr int64_t kDayMs = 86'400'000;

// Unix ms of a UTC date and time.
inline int64_t utcMs(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + ms;
}

// 2026-12-01T10:00:00Z: the day every test starts on.
inline const int64_t kT0 = utcMs(2026, 12, 1, 10);

class FakeClock final : public TimeSource {
 public:
  explicit FakeClock(int64_t ms = kT0) : now_(ms) {}
  int64_t nowMs() const override { return now_.load(); }
  void set(int64_t ms) { now_.store(ms); }
  void advance(int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_;
};

// chattr +i / -i (the same FS_IOC_SETFLAGS ioctl chattr uses). False when it is not supported.
inline bool setImmutable(const std::string& path, bool on) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return false;
  int flags = 0;
  if (::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) return false;
  flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
  return ::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags) == 0;
}

// Makes a file immutable for its lifetime; the flag is removed again even when a test fails.
class ImmutableGuard {
 public:
  explicit ImmutableGuard(std::string path) : path_(std::move(path)) {
    ok_ = setImmutable(path_, true);
  }
  ~ImmutableGuard() { release(); }
  ImmutableGuard(const ImmutableGuard&) = delete;
  ImmutableGuard& operator=(const ImmutableGuard&) = delete;
  bool ok() const { return ok_; }
  void release() {
    if (ok_) setImmutable(path_, false);
    ok_ = false;
  }

 private:
  std::string path_;
  bool ok_ = false;
};

// A fresh directory under /tmp, removed (immutable flags cleared first) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/ketenhub_audit_test_XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(path_, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->is_regular_file(ec)) setImmutable(it->path().string(), false);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string dayFile(const std::string& day) const { return path_ + "/" + dayFileName(day); }

 private:
  std::string path_;
};

inline AuditRecord makeRecord(int64_t at_ms, std::string case_id = "Z-2026-0001",
                              std::string outcome = "delivered", std::string action = "delivered") {
  AuditRecord r;
  r.at_ms = at_ms;
  r.action = std::move(action);
  r.outcome = std::move(outcome);
  r.message_id = "msg-" + std::to_string(at_ms);
  r.case_id = std::move(case_id);
  r.user = "j.jansen";
  r.access_point = "10.0.0.5:5671";
  r.partner = "GGD-UTRECHT";
  r.channel = "rest";
  r.product = "melding";
  r.delivery_id = "d-42";
  r.person = personHash("trail-key", {"123456782"});
  r.reason = "";
  r.detail = "payload_sha256=abc123";
  return r;
}

inline Origin testOrigin() { return Origin{"hub-1", "00000001234567890000"}; }

inline FileTrailOptions trailOptions(const std::string& dir, int retention_days = 1825) {
  FileTrailOptions o;
  o.dir = dir;
  o.origin = testOrigin();
  o.retention_days = retention_days;
  return o;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline void appendToFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << content;
}

// The complete lines of a file, without their '\n' (a torn last line is dropped).
inline std::vector<std::string> readLines(const std::string& path) {
  std::string all = readFile(path);
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t nl; (nl = all.find('\n', from)) != std::string::npos; from = nl + 1)
    out.push_back(all.substr(from, nl - from));
  return out;
}

inline void writeLines(const std::string& path, const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  writeFile(path, all);
}

inline int64_t fileSize(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(n);
}

inline bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// walkTrail over dir; the seq of every intact record goes to *seqs.
inline VerifyReport walk(const std::string& dir, std::vector<int64_t>* seqs = nullptr) {
  auto r = walkTrail(dir, [&](const ParsedLine& p) {
    if (seqs) seqs->push_back(p.seq);
  });
  if (!r) {
    VerifyReport failed;
    failed.why = "walkTrail failed: " + r.error().message;
    return failed;
  }
  return *r;
}

inline std::vector<int64_t> iota(int64_t from, int64_t to) {
  std::vector<int64_t> v;
  for (int64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// A string field of a parsed record ("" when missing).
inline std::string field(const ParsedLine& p, const char* key) {
  const auto* v = p.fields.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace hub::audit::test_support
