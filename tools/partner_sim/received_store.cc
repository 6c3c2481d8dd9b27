#include "tools/partner_sim/received_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "hub/core/error_codes.h"

namespace hub::sim {
namespace {

Unexpected<Error> ioError(const std::string& what) {
  return unexpected(errc::kIo, what + ": " + std::strerror(errno));
}

Result<void> writeAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ioError("cannot write " + path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<ReceivedStore>> ReceivedStore::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unexpected(errc::kIo, "cannot create " + dir + ": " + ec.message());
  std::string path = dir + "/received.jsonl";
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return ioError("cannot open " + path);
  return std::unique_ptr<ReceivedStore>(new ReceivedStore(dir, f));
}

ReceivedStore::~ReceivedStore() {
  if (jsonl_ != nullptr) std::fclose(jsonl_);
}

Result<void> ReceivedStore::store(const ReceivedRecord& record, std::string_view body) {
  uint64_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = ++tmp_counter_;
  }
  std::string final_path = dir_ + "/" + record.delivery_id + ".xml";
  std::string tmp_path = dir_ + "/.tmp." + std::to_string(::getpid()) + "." + std::to_string(n);
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return ioError("cannot create " + tmp_path);
  auto w = writeAll(fd, body, tmp_path);
  if (::close(fd) != 0 && w) w = ioError("cannot close " + tmp_path);
  if (!w) {
    ::unlink(tmp_path.c_str());
    return w;
  }
  if (::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    auto e = ioError("cannot rename to " + final_path);
    ::unlink(tmp_path.c_str());
    return e;
  }
  std::string line = receivedJsonLine(record);
  std::lock_guard<std::mutex> lock(mu_);
  if (std::fwrite(line.data(), 1, line.size(), jsonl_) != line.size() || std::fflush(jsonl_) != 0) {
    return ioError("cannot append to " + dir_ + "/received.jsonl");
  }
  return {};
}

}  // namespace hub::sim
