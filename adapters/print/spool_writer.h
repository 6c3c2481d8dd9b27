#pragma once
// SpoolWriter: puts a letter into a spool directory atomically, for a print service (or an
// operator) that picks up complete letters.
//
// A letter named N is two files: N.pdf, then N.json (the manifest). Each is written to a
// temporary file ".tmp-<pid>-<seq>-N.<ext>.part" in the same directory (O_CREAT|O_EXCL, mode 0600),
// fsync'ed, renamed into place, and the directory fsync'ed; the PDF first, the manifest last, so
// the manifest's presence marks a complete letter. A consumer reads only names ending in .json
// (temporary files start with a dot and end in .part).
//
// Idempotent: when N.json already exists the letter is complete (a retry after a crash, or the
// same delivery again) and write() succeeds without touching it. A PDF without a manifest (a
// crash in between) is replaced.
//
// cleanStale() (at start-up) removes temporary files left by a crashed process: those of another
// process id. Temporary files of this process belong to writes in flight and are kept. One hub
// process per spool directory.
//
// Errors carry short reasons with file names only (names hold partner and delivery id, never
// personal data). Thread-safe: writes of different names run in parallel.
#include <atomic>
#include <string>
#include <string_view>

#include "hub/core/result.h"

namespace hub::adapters::print {

class SpoolWriter {
 public:
  explicit SpoolWriter(std::string dir);

  enum class Written { kNew, kAlreadyComplete };

  // name: [A-Za-z0-9._-]+, not starting with '.'; errc::kInvalidInput otherwise, errc::kIo on
  // I/O errors ("write om-1234.pdf: No space left on device").
  Result<Written> write(const std::string& name, std::string_view pdf, std::string_view manifest);

  // Whether N.json exists.
  bool complete(const std::string& name) const;

  // Removes stale temporary files; returns how many. errc::kIo when the directory is unreadable.
  Result<int> cleanStale() const;

  // errc::kConfig when the directory does not exist or is not writable.
  Result<void> check() const;

  const std::string& dir() const { return dir_; }

  static bool validName(std::string_view name);

 private:
  Result<void> writeFile(const std::string& final_name, std::string_view bytes);
  Result<void> syncDir() const;

  std::string dir_;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace hub::adapters::print
