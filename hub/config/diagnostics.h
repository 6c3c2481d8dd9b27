#pragma once
// Collects every configuration error at once, each naming file:line:col and the key path.
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hub::config {

struct Position {
  std::string file;  // as shown to the user (relative to the hub.yaml directory when possible)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based
  std::string text() const;  // "file:line:col", or "file" when the line is unknown
};

class Diagnostics {
 public:
  void error(const Position& pos, const std::string& key_path, const std::string& message);
  void warning(const Position& pos, const std::string& key_path, const std::string& message);
  // For errors that belong to no position (e.g. a missing file).
  void error(const std::string& message) { errors_.push_back(message); }
  void warning(const std::string& message) { warnings_.push_back(message); }
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::string joined() const;
  // Where each text value was read, by key path ("signing.key" -> "hub.yaml:27:8"), so that a
  // check made after loading (a file a key names does not exist) can point at the key as well.
  void recordSource(const std::string& key_path, const Position& pos) {
    sources_[key_path] = pos.text();
  }
  const std::map<std::string, std::string>& sources() const { return sources_; }
  // Every key the loader asked for, as "<file>: <pattern>" with list items as "[]" and named
  // entries as "<name>" ("routes/partners.yaml: partners.<name>.tls.ca"): the configuration
  // reference (docs/configuration.md) is checked against it.
  void declare(const std::string& file, const std::string& pattern) {
    declared_.insert(file + ": " + pattern);
  }
  const std::set<std::string>& declared() const { return declared_; }

 private:
  static std::string format(const Position& pos, const std::string& key_path,
                            const std::string& message);
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::map<std::string, std::string> sources_;
  std::set<std::string> declared_;
};

// "did you mean" helper: the closest candidate within edit distance 2, or empty.
std::string closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace hub::config
