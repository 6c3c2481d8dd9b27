#pragma once
// Downloading a CRL from its distribution point, and keeping the copy on disk.
//
// fetchCrl: one GET through libcurl with the hub's shared options (no proxy from the
// environment, no signals, timeouts); http:// and https:// only (CRLs are signed, so a plain
// http distribution point, the usual one, is acceptable; https is verified against `ca_bundle`
// only). At most 3 redirects, within http/https. A response other than 200, or a body over
// kMaxCrlBytes, is an error. `abort` (may be null) stops a transfer in progress when it becomes
// true. The error never contains the body.
//
// writeFileAtomically: temp file in the same directory, fsync, rename, fsync of the directory:
// a reader sees the old copy or the new one, never half of one.
#include <atomic>
#include <string>

#include "hub/core/result.h"

namespace hub::curl {

inline constexpr size_t kMaxCrlBytes = 64u * 1024 * 1024;

struct CrlFetchOptions {
  std::string ca_bundle;  // PEM trust anchors for an https distribution point
  long connect_timeout_ms = 5000;
  long timeout_ms = 30000;
};

Result<std::string> fetchCrl(const std::string& url, const CrlFetchOptions& options,
                             const std::atomic<bool>* abort);

Result<void> writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace hub::curl
