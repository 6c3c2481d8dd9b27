#include "hub/app/args.h"

#include <iostream>

namespace hub::app {

ArgParser::ArgParser(const Args& args, std::set<std::string> value_flags,
                     std::set<std::string> switches) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a, value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (value_flags.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size()) {
            error_ = name + " needs a value";
            return;
          }
          value = args[++i];
        }
        values_[name] = value;
      } else if (switches.count(name) && !inline_value) {
        switches_.insert(name);
      } else {
        error_ = "unknown option " + name;
        return;
      }
    } else {
      positionals_.push_back(a);
    }
  }
}

std::optional<std::string> ArgParser::get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string ArgParser::get(const std::string& flag, const std::string& def) const {
  auto v = get(flag);
  return v ? *v : def;
}

int fail(const std::string& msg, int code) {
  std::cerr << "ketenhub: " << msg << std::endl;
  return code;
}

int usage(const std::string& msg) { return fail(msg, 2); }

}  // namespace hub::app
