#include "hub/store/store_size.h"

#include <sys/stat.h>

namespace hub::store {
namespace {
int64_t fileBytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}
}  // namespace

int64_t storeBytes(const std::string& sqlite_path) {
  return fileBytes(sqlite_path) + fileBytes(sqlite_path + "-wal");
}

}  // namespace hub::store
