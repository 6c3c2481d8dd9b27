#include "hub/audit/file_trail.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "hub/audit/day_files.h"
#include "hub/core/error_codes.h"
#include "hub/log/log.h"

namespace hub::audit {
namespace {
constexpr int64_t kDayMs = 86'400'000;

Error ioError(const std::string& what, const std::string& path) {
  return Error{errc::kIo, what + " " + path + ": " + std::strerror(errno)};
}

// A new file's directory entry must survive a crash too.
bool syncDir(const std::string& dir) {
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return d.valid() && ::fsync(d.get()) == 0;
}
}  // namespace

FileTrail::FileTrail(FileTrailOptions opts, const TimeSource& clock)
    : opts_(std::move(opts)), clock_(clock), head_(kGenesis) {}

Result<std::unique_ptr<FileTrail>> FileTrail::open(FileTrailOptions opts, const TimeSource& clock) {
  std::error_code ec;
  std::filesystem::create_directories(opts.dir, ec);
  if (ec)
    return unexpected(errc::kIo,
                      "cannot create the audit directory " + opts.dir + ": " + ec.message());
  std::unique_ptr<FileTrail> t(new FileTrail(std::move(opts), clock));
  std::lock_guard<std::mutex> lock(t->mu_);
  if (auto r = t->restore(); !r) return unexpected(r.error());
  return t;
}

Result<void> FileTrail::restore() {
  auto files = listDayFiles(opts_.dir);
  if (!files) return unexpected(files.error());
  // The newest file with a complete record holds the chain's head.
  for (auto it = files->rbegin(); it != files->rend(); ++it) {
    auto tail = readTail(it->path);
    if (!tail) return unexpected(tail.error());
    if (tail->complete_size < tail->file_size) {
      log::warn(
          "audit trail: cutting off a torn last record (the hub stopped during a write; "
          "its step was not performed)",
          {{"file", it->path}, {"bytes", tail->file_size - tail->complete_size}});
      if (::truncate(it->path.c_str(), tail->complete_size) != 0)
        return unexpected(ioError("cannot cut the torn record off", it->path));
    }
    if (!tail->last_line) continue;
    auto p = parseLine(*tail->last_line);
    if (!p)
      return unexpected(errc::kIo, "the last audit record in " + it->path + " is damaged (" +
                                       p.error().message + "); run `ketenhub audit verify`");
    seq_ = p->seq;
    head_ = p->hash;
    break;
  }
  return {};
}

Result<void> FileTrail::openDay(const std::string& day) {
  std::string path = opts_.dir + "/" + dayFileName(day);
  bool existed = ::access(path.c_str(), F_OK) == 0;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!fd.valid()) return unexpected(ioError("cannot open the audit file", path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return unexpected(ioError("cannot stat", path));
  if (!existed && !syncDir(opts_.dir))
    return unexpected(ioError("cannot sync the audit directory", opts_.dir));
  fd_ = std::move(fd);
  day_ = day;
  size_ = st.st_size;
  dirty_ = false;
  return {};
}

Result<void> FileTrail::append(const std::vector<AuditRecord>& records) {
  if (records.empty()) return {};
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.nowMs();
  std::string today = dayOf(now);
  // A new day (or the first append): a new file, and retention runs. A failed append must not
  // stay behind in the day file it is leaving.
  if (!fd_.valid() || today > day_) {
    if (auto r = cutBack(); !r) return fail(r.error());
    if (auto r = openDay(today); !r) return fail(r.error());
    if (auto r = purgeExpired(now); !r) return fail(r.error());
  }
  if (auto r = appendLocked(records); !r) return fail(r.error());
  if (!writable_.exchange(true)) log::info("audit trail writable again");
  return {};
}

// The last append failed part-way: what it left (even whole records) is cut off before the
// chain goes on, so the file holds exactly the records whose append succeeded.
Result<void> FileTrail::cutBack() {
  if (!dirty_ || !fd_.valid()) return {};
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return unexpected(ioError("cannot stat", day_));
  if (st.st_size != size_ && ::ftruncate(fd_.get(), size_) != 0)
    return unexpected(ioError("cannot cut off a failed append in", dayFileName(day_)));
  dirty_ = false;
  return {};
}

Result<void> FileTrail::appendLocked(const std::vector<AuditRecord>& records) {
  if (auto r = cutBack(); !r) return r;
  // Written in chunks of about kChunkBytes, then one fdatasync for the whole append: a group
  // commit of 2,000 steps would otherwise build a ~1.5 MB string, touching fresh pages on every
  // commit of a burst (perf's page-fault profile of a connect-mode drain put a third of the
  // hub's new pages here). A failed append is cut back to size_ as a whole, chunks included.
  constexpr size_t kChunkBytes = 64 * 1024;
  std::string buf;
  buf.reserve(kChunkBytes + 4096);
  int64_t seq = seq_;
  std::string head = head_;
  int64_t written = 0;
  bool ok = true;
  for (size_t i = 0; ok && i < records.size(); ++i) {
    Sealed s = seal(records[i], opts_.origin, ++seq, head);
    buf += s.line;
    head = std::move(s.hash);
    if (buf.size() >= kChunkBytes || i + 1 == records.size()) {
      ok = writeAll(fd_.get(), buf);
      written += static_cast<int64_t>(buf.size());
      buf.clear();
    }
  }
  if (!ok || ::fdatasync(fd_.get()) != 0) {
    Error e = ioError("cannot write", opts_.dir + "/" + dayFileName(day_));
    dirty_ = true;
    (void)cutBack();  // at once when it can; else before the next append
    return unexpected(std::move(e));
  }
  size_ += written;
  seq_ = seq;
  head_ = std::move(head);
  return {};
}

Result<void> FileTrail::purgeExpired(int64_t now_ms) {
  std::string cutoff = dayOf(now_ms - static_cast<int64_t>(opts_.retention_days) * kDayMs);
  auto files = listDayFiles(opts_.dir);
  if (!files) return unexpected(files.error());
  std::vector<DayFile> expired;
  for (const auto& f : *files)
    if (f.day < cutoff && f.day != day_) expired.push_back(f);
  if (expired.empty()) return {};
  // The anchor: the last record of the newest removed file, which the remaining chain links to.
  std::string anchor;
  for (auto it = expired.rbegin(); it != expired.rend() && anchor.empty(); ++it) {
    auto tail = readTail(it->path);
    if (!tail) return unexpected(tail.error());
    if (!tail->last_line) continue;
    auto p = parseLine(*tail->last_line);
    if (p) anchor = p->hash;
  }
  AuditRecord r;
  r.at_ms = now_ms;
  r.action = "audit_purged";
  r.outcome = "removed";
  r.user = "ketenhub";
  r.access_point = "local";
  r.reason = "retention.audit_days " + std::to_string(opts_.retention_days);
  r.detail = "files=" + std::to_string(expired.size()) + ";from=" + expired.front().day +
             ";through=" + expired.back().day + ";anchor=" + anchor;
  if (auto a = appendLocked({r}); !a) return a;
  for (const auto& f : expired) {
    if (::unlink(f.path.c_str()) != 0)
      log::warn("audit trail: cannot remove an expired day file",
                {{"file", f.path}, {"reason", std::strerror(errno)}});
  }
  log::info("audit trail: removed expired day files",
            {{"files", expired.size()}, {"through", expired.back().day}});
  return {};
}

Result<void> FileTrail::fail(Error e) {
  last_error_ = e.message;
  if (writable_.exchange(false))
    log::error("audit trail not writable: steps are held until it is", {{"reason", e.message}});
  return unexpected(std::move(e));
}

std::string FileTrail::lastError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writable_ ? std::string() : last_error_;
}

int64_t FileTrail::lastSeq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

}  // namespace hub::audit
