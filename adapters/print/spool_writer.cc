#include "adapters/print/spool_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "hub/core/error_codes.h"
#include "hub/core/unique_fd.h"

namespace hub::adapters::print {
namespace {

constexpr const char* kTmpPrefix = ".tmp-";

Unexpected<Error> ioError(const std::string& what, const std::string& file, int err) {
  return unexpected(errc::kIo, what + " " + file + ": " + std::strerror(err));
}

}  // namespace

SpoolWriter::SpoolWriter(std::string dir) : dir_(std::move(dir)) {}

bool SpoolWriter::validName(std::string_view name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<void> SpoolWriter::check() const {
  struct stat st {};
  if (::stat(dir_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return unexpected(errc::kConfig, "print spool_dir " + dir_ + " is not a directory");
  if (::access(dir_.c_str(), W_OK | X_OK) != 0)
    return unexpected(errc::kConfig, "print spool_dir " + dir_ + " is not writable");
  return {};
}

bool SpoolWriter::complete(const std::string& name) const {
  struct stat st {};
  return ::stat((dir_ + "/" + name + ".json").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<void> SpoolWriter::syncDir() const {
  UniqueFd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return ioError("open", "spool directory", errno);
  if (::fsync(dir.get()) != 0) return ioError("fsync", "spool directory", errno);
  return {};
}

Result<void> SpoolWriter::writeFile(const std::string& final_name, std::string_view bytes) {
  const std::string tmp_name = std::string(kTmpPrefix) + std::to_string(::getpid()) + "-" +
                               std::to_string(seq_.fetch_add(1)) + "-" + final_name + ".part";
  const std::string tmp = dir_ + "/" + tmp_name;
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return ioError("create", tmp_name, errno);
  int err = 0;
  if (!writeAll(fd.get(), bytes)) {
    err = errno;
  } else if (::fsync(fd.get()) != 0) {
    err = errno;
  } else if (::close(fd.release()) != 0) {
    err = errno;
  } else if (::rename(tmp.c_str(), (dir_ + "/" + final_name).c_str()) != 0) {
    err = errno;
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    return ioError("write", final_name, err);
  }
  return syncDir();
}

Result<SpoolWriter::Written> SpoolWriter::write(const std::string& name, std::string_view pdf,
                                                std::string_view manifest) {
  if (!validName(name)) return unexpected(errc::kInvalidInput, "invalid letter name");
  if (complete(name)) return Written::kAlreadyComplete;
  if (auto r = writeFile(name + ".pdf", pdf); !r) return unexpected(r.error());
  if (auto r = writeFile(name + ".json", manifest); !r) return unexpected(r.error());
  return Written::kNew;
}

Result<int> SpoolWriter::cleanStale() const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return ioError("read", "spool directory", errno);
  const std::string own = std::string(kTmpPrefix) + std::to_string(::getpid()) + "-";
  int removed = 0;
  int err = 0;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.rfind(kTmpPrefix, 0) != 0 || n.rfind(own, 0) == 0) continue;
    // A temporary file of a process that is still alive is in use (`config check` builds this
    // channel while the hub runs): only a crashed writer's leftovers go.
    const long pid = std::strtol(n.c_str() + std::string_view(kTmpPrefix).size(), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    if (::unlinkat(::dirfd(d), n.c_str(), 0) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      err = errno;
    }
  }
  ::closedir(d);
  if (err != 0) return ioError("remove", "stale temporary file", err);
  if (removed > 0) {
    if (auto r = syncDir(); !r) return unexpected(r.error());
  }
  return removed;
}

}  // namespace hub::adapters::print
