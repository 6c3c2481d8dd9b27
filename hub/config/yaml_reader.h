#pragma once
// Declarative reading of one YAML mapping: each get* call declares a key (so unknown keys can be
// reported with "did you mean"), converts it, and records positional errors in Diagnostics.
// yaml-cpp exceptions never leave this file's users.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/config/diagnostics.h"

namespace hub::config {

// Parses "500ms", "1s", "30m", "4h", "14d" (a bare integer is rejected: units are mandatory).
std::optional<Millis> parseDuration(const std::string& text);

class MapReader {
 public:
  // `pattern`: the key path with list indexes as "[]" and entry names as "<name>" (defaults to
  // `path`), for Diagnostics::declare.
  MapReader(const YAML::Node& node, std::string file, std::string path, Diagnostics& diag,
            std::string pattern = "");
  // Reports keys that no get* call declared. Call once, after all gets.
  void finish();

  bool valid() const { return valid_; }
  bool has(const std::string& key) const;
  std::string str(const std::string& key, bool required, const std::string& def = "");
  int integer(const std::string& key, int def, int min, int max);
  double number(const std::string& key, double def, double min, double max);
  bool boolean(const std::string& key, bool def);
  Millis duration(const std::string& key, Millis def);
  std::vector<std::string> strList(const std::string& key);
  // Child mapping (absent -> invalid reader that yields defaults and reports nothing).
  MapReader child(const std::string& key, bool required = false);
  // Child sequence of mappings: calls fn(reader, index) for each item.
  void eachItem(const std::string& key, bool required,
                const std::function<void(MapReader&, size_t)>& fn);
  // Child mapping whose keys are names: calls fn(name, reader, name_position).
  void eachEntry(const std::string& key, bool required,
                 const std::function<void(const std::string&, MapReader&, Position)>& fn);

  Position position() const { return pos(node_); }
  Position positionOf(const std::string& key) const;
  const std::string& path() const { return path_; }
  std::string keyPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  void error(const std::string& key, const std::string& message);
  // An error at item `index` of the list under `key` (a lone scalar counts as item 0).
  void itemError(const std::string& key, size_t index, const std::string& message);
  void warning(const std::string& key, const std::string& message);
  Diagnostics& diag() { return diag_; }
  const std::string& file() const { return file_; }

 private:
  Position pos(const YAML::Node& n) const;
  YAML::Node get(const std::string& key);
  std::string keyPattern(const std::string& key) const {
    return pattern_.empty() ? key : pattern_ + "." + key;
  }
  YAML::Node node_;
  std::string file_;
  std::string path_;
  std::string pattern_;
  Diagnostics& diag_;
  std::vector<std::string> declared_;
  bool valid_ = true;
};

// Reads a retry policy section {initial, factor, max} over the given defaults.
RetryPolicy readRetry(MapReader r, const RetryPolicy& def);

// Loads a YAML file; parse errors are reported positionally. Returns an undefined node on error.
YAML::Node loadYamlFile(const std::string& path, const std::string& shown_name, Diagnostics& diag);

}  // namespace hub::config
