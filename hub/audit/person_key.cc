#include "hub/audit/person_key.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/core/error_codes.h"
#include "hub/core/unique_fd.h"
#include "hub/tls/digest.h"

namespace hub::audit {
namespace {
constexpr size_t kMinKey = 32;

// Written whole to a private temporary file, then linked into place: another process starting
// at the same moment (several instances sharing a store) either wins the link and this one uses
// its key, or finds the complete file; nobody ever reads a half-written key.
Result<void> create(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::array<uint8_t, 32> raw{};
  if (!tls::randomBytes(raw)) return unexpected(errc::kIo, "no random bytes for a new key");
  std::string text = tls::hexEncode(raw) + "\n";
  std::string tmp = path + ".XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd.valid())
    return unexpected(errc::kIo,
                      "cannot create a file next to " + path + ": " + std::strerror(errno));
  bool written =
      ::fchmod(fd.get(), 0600) == 0 && writeAll(fd.get(), text) && ::fsync(fd.get()) == 0;
  int err = errno;
  bool linked = written && ::link(tmp.c_str(), path.c_str()) == 0;
  if (written && !linked) err = errno;
  ::unlink(tmp.c_str());
  if (!written) return unexpected(errc::kIo, "cannot write " + path + ": " + std::strerror(err));
  if (!linked && err != EEXIST)  // EEXIST: created meanwhile by another process: use that one
    return unexpected(errc::kIo, "cannot create " + path + ": " + std::strerror(err));
  return {};
}
}  // namespace

Result<std::string> loadPersonKey(const std::string& path, bool create_missing) {
  if (path.empty()) return unexpected(errc::kInvalidInput, "audit.key_file is empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create_missing)
      return unexpected(errc::kIo, "audit.key_file " + path + ": " + std::strerror(errno));
    if (auto r = create(path); !r) return unexpected(r.error());
    if (::stat(path.c_str(), &st) != 0)
      return unexpected(errc::kIo, "audit.key_file " + path + ": " + std::strerror(errno));
  }
  if (st.st_mode & S_IRWXO)
    return unexpected(errc::kInvalidInput,
                      "audit.key_file " + path + " is accessible to other users (use mode 0600)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) return unexpected(errc::kIo, "audit.key_file " + path + ": cannot read it");
  std::string key = ss.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
    key.pop_back();
  if (key.size() < kMinKey)
    return unexpected(errc::kInvalidInput, "audit.key_file " + path + ": shorter than " +
                                               std::to_string(kMinKey) + " characters");
  return key;
}

}  // namespace hub::audit
