#pragma once
// Minimal command-line parsing for subcommands: --flag VALUE, --switch, and positionals.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/app/commands.h"

namespace hub::app {

class ArgParser {
 public:
  // value_flags take a value; switches don't. Anything else starting with -- is a usage error.
  ArgParser(const Args& args, std::set<std::string> value_flags, std::set<std::string> switches);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::optional<std::string> get(const std::string& flag) const;
  std::string get(const std::string& flag, const std::string& def) const;
  bool has(const std::string& sw) const { return switches_.count(sw) > 0; }
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positionals_;
  std::string error_;
};

// Prints "ketenhub: <msg>" to stderr and returns the exit code.
int fail(const std::string& msg, int code = 1);
int usage(const std::string& msg);

}  // namespace hub::app
