#pragma once
// FileTrail: the audit trail as append-only day files (day_files.h) of sealed JSON lines
// (record_line.h). One writer at a time (a mutex): the store's writer thread appends the records
// of each group commit, the admin API those of its own actions.
//
// append() writes the whole batch with one write and one fdatasync; only then does it advance
// the chain. On an error (disk full, file made immutable, I/O error) the chain stays where it was,
// what was half written is cut off again before the next append, writable() turns false and
// lastError() says why; the next successful append turns it true again.
//
// At open the newest day file's last record restores the chain (seq and hash); a torn last line
// (a crash during a write, whose step was therefore never committed) is cut off. On the first
// append of a new UTC day the next file is started and day files older than the retention are
// removed, after an `audit_purged` record that names the removed files' last hash as the anchor
// at which the remaining chain starts.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "hub/audit/record_line.h"
#include "hub/core/time_source.h"
#include "hub/core/unique_fd.h"
#include "hub/pipeline/audit.h"

namespace hub::audit {

struct FileTrailOptions {
  std::string dir;
  Origin origin;
  int retention_days = 1825;
};

class FileTrail final : public AuditTrail {
 public:
  static Result<std::unique_ptr<FileTrail>> open(FileTrailOptions opts, const TimeSource& clock);

  Result<void> append(const std::vector<AuditRecord>& records) override;
  bool writable() const override { return writable_.load(); }
  std::string lastError() const override;

  int64_t lastSeq() const;

 private:
  FileTrail(FileTrailOptions opts, const TimeSource& clock);
  // All below: with mu_ held.
  Result<void> restore();
  Result<void> openDay(const std::string& day);
  Result<void> cutBack();
  Result<void> appendLocked(const std::vector<AuditRecord>& records);
  Result<void> purgeExpired(int64_t now_ms);
  Result<void> fail(Error e);

  const FileTrailOptions opts_;
  const TimeSource& clock_;
  mutable std::mutex mu_;
  UniqueFd fd_;             // the current day file, O_APPEND
  std::string day_;         // its day
  int64_t size_ = 0;        // its size after the last good append
  bool dirty_ = false;      // an append failed: cut the file back to size_ first
  int64_t seq_ = 0;         // the last record's seq
  std::string head_;        // the last record's hash
  std::string last_error_;  // why the last append failed
  std::atomic<bool> writable_{true};
};

}  // namespace hub::audit
