#pragma once
// The size of the store on disk: the SQLite database file plus its write-ahead log (PATH-wal),
// which grows between checkpoints. A file that does not exist counts 0.
#include <cstdint>
#include <string>

namespace hub::store {

int64_t storeBytes(const std::string& sqlite_path);

}  // namespace hub::store
