#pragma once
// Internal to hub/tls: drain OpenSSL's thread-local error queue into one line.
#include <openssl/err.h>

#include <string>

namespace hub::tls::detail {

// "what: reason1; reason2" (or just "what" when the queue is empty). Always clears the queue.
inline std::string opensslError(const std::string& what) {
  std::string out = what;
  bool first = true;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

}  // namespace hub::tls::detail
