#include "hub/audit/person_key.h"

#include <fcntl.h>
#include <sys/stat.h>

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

Result<void> create(const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::array<uint8_t, 32> raw{};
  if (!tls::randomBytes(raw)) return unexpected(errc::kIo, "no random bytes for a new key");
  std::string text = tls::hexEncode(raw) + "\n";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return {};  // created meanwhile by another process: use that one
    return unexpected(errc::kIo, "cannot create " + path + ": " + std::strerror(errno));
  }
  if (!writeAll(fd.get(), text) || ::fsync(fd.get()) != 0)
    return unexpected(errc::kIo, "cannot write " + path + ": " + std::strerror(errno));
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
