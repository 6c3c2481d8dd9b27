#include "hub/log/log.h"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "hub/core/time_format.h"

namespace hub::log {
namespace {
std::atomic<int> g_min{static_cast<int>(Level::kInfo)};
std::mutex g_mu;

const char* levelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string quote(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }
}  // namespace

void setMinLevel(Level l) { g_min = static_cast<int>(l); }

bool parseLevel(std::string_view name, Level& out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == levelName(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void write(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  if (static_cast<int>(l) < g_min.load()) return;
  std::string line = "{\"time\":\"" + formatRfc3339Utc(std::chrono::system_clock::now()) +
                     "\",\"level\":\"" + levelName(l) + "\",\"msg\":" + quote(msg);
  for (const auto& f : fields) {
    line += ',';
    line += quote(f.key);
    line += ':';
    line += f.is_number ? f.value : quote(f.value);
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace hub::log
