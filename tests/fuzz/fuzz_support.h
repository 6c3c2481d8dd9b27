#pragma once
// Shared by the libFuzzer harnesses in tests/fuzz/: the process-wide XmlRuntime (as main() has it),
// repository paths, and a check that aborts with a message (an abort is a crash to libFuzzer, so a
// broken invariant is reported like an ASan finding, with the input saved).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "hub/xml/xml_runtime.h"

namespace hub::fuzz {

// Constructed once, never destroyed (libFuzzer exits without unwinding main's frame).
inline void initXmlRuntime() {
  static hub::xml::XmlRuntime* runtime = new hub::xml::XmlRuntime();
  (void)runtime;
}

inline std::string sourcePath(const std::string& relative) {
  return std::string(KETENHUB_SOURCE_DIR) + "/" + relative;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline void check(bool ok, const char* what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

inline bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// True when the text holds an ASCII control character other than tab (reasons and messages are
// one line).
inline bool hasControl(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return true;
  }
  return false;
}

}  // namespace hub::fuzz
