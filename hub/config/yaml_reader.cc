#include "hub/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace hub::config {

std::optional<Millis> parseDuration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return std::nullopt;
  long long n = std::stoll(text.substr(0, i));
  std::string unit = text.substr(i);
  long long mult;
  if (unit == "ms")
    mult = 1;
  else if (unit == "s")
    mult = 1000;
  else if (unit == "m")
    mult = 60'000;
  else if (unit == "h")
    mult = 3'600'000;
  else if (unit == "d")
    mult = 86'400'000;
  else
    return std::nullopt;
  return Millis(n * mult);
}

MapReader::MapReader(const YAML::Node& node, std::string file, std::string path, Diagnostics& diag,
                     std::string pattern)
    : node_(node),
      file_(std::move(file)),
      path_(std::move(path)),
      pattern_(pattern.empty() ? path_ : std::move(pattern)),
      diag_(diag) {
  if (!node_.IsDefined() || node_.IsNull()) {
    valid_ = false;
  } else if (!node_.IsMap()) {
    diag_.error(pos(node_), path_, "expected a mapping");
    valid_ = false;
  }
}

Position MapReader::pos(const YAML::Node& n) const {
  Position p{file_, 0, 0};
  if (n.IsDefined()) {
    auto m = n.Mark();
    if (m.line >= 0) {
      p.line = m.line + 1;
      p.column = m.column + 1;
    }
  }
  return p;
}

Position MapReader::positionOf(const std::string& key) const {
  if (valid_) {
    for (auto it = node_.begin(); it != node_.end(); ++it)
      if (it->first.Scalar() == key) return pos(it->first);
  }
  return pos(node_);
}

void MapReader::error(const std::string& key, const std::string& message) {
  diag_.error(has(key) ? pos(node_[key]) : pos(node_), key.empty() ? path_ : keyPath(key), message);
}

void MapReader::itemError(const std::string& key, size_t index, const std::string& message) {
  YAML::Node n = has(key) ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
  YAML::Node item = n.IsSequence() && index < n.size() ? n[index] : n;
  diag_.error(item.IsDefined() ? pos(item) : pos(node_),
              keyPath(key) + "[" + std::to_string(index) + "]", message);
}

void MapReader::warning(const std::string& key, const std::string& message) {
  diag_.warning(has(key) ? pos(node_[key]) : pos(node_), key.empty() ? path_ : keyPath(key),
                message);
}

bool MapReader::has(const std::string& key) const {
  return valid_ && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node MapReader::get(const std::string& key) {
  declared_.push_back(key);
  diag_.declare(file_, keyPattern(key));
  if (!valid_) return YAML::Node(YAML::NodeType::Undefined);
  return node_[key];
}

void MapReader::finish() {
  if (!valid_) return;
  std::map<std::string, Position> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    std::string k = it->first.Scalar();
    // yaml-cpp keeps the first of two equal keys silently: a duplicate is an error here.
    if (auto [prev, fresh] = seen.emplace(k, pos(it->first)); !fresh) {
      diag_.error(
          pos(it->first), keyPath(k),
          "duplicate key '" + k + "' (first at line " + std::to_string(prev->second.line) + ")");
      continue;
    }
    if (std::find(declared_.begin(), declared_.end(), k) != declared_.end()) continue;
    std::string msg = "unknown key '" + k + "'";
    std::string hint = closest(k, declared_);
    if (!hint.empty()) msg += "; did you mean '" + hint + "'?";
    diag_.error(pos(it->first), keyPath(k), msg);
  }
}

std::string MapReader::str(const std::string& key, bool required, const std::string& def) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required && valid_) diag_.error(pos(node_), keyPath(key), "missing required key");
    return def;
  }
  if (!n.IsScalar()) {
    diag_.error(pos(n), keyPath(key), "expected a text value");
    return def;
  }
  diag_.recordSource(keyPath(key), pos(n));
  return n.Scalar();
}

int MapReader::integer(const std::string& key, int def, int min, int max) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return def;
  const std::string& s = n.Scalar();
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n.IsScalar() || ec != std::errc() || p != s.data() + s.size()) {
    diag_.error(pos(n), keyPath(key), "expected an integer, got '" + s + "'");
    return def;
  }
  if (v < min || v > max) {
    diag_.error(pos(n), keyPath(key),
                "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return def;
  }
  return v;
}

double MapReader::number(const std::string& key, double def, double min, double max) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return def;
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    diag_.error(pos(n), keyPath(key), "expected a number, got '" + n.Scalar() + "'");
    return def;
  }
  if (!std::isfinite(v) || v < min || v > max) {
    std::ostringstream os;
    os << "must be between " << min << " and " << max;
    diag_.error(pos(n), keyPath(key), os.str());
    return def;
  }
  return v;
}

bool MapReader::boolean(const std::string& key, bool def) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return def;
  const std::string& s = n.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  diag_.error(pos(n), keyPath(key), "expected true or false, got '" + s + "'");
  return def;
}

Millis MapReader::duration(const std::string& key, Millis def) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) return def;
  auto d = n.IsScalar() ? parseDuration(n.Scalar()) : std::nullopt;
  if (!d) {
    diag_.error(pos(n), keyPath(key),
                "expected a duration like 500ms, 30s, 5m, 4h or 14d, got '" +
                    (n.IsScalar() ? n.Scalar() : std::string("<not a scalar>")) + "'");
    return def;
  }
  return *d;
}

std::vector<std::string> MapReader::strList(const std::string& key) {
  YAML::Node n = get(key);
  std::vector<std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  diag_.recordSource(keyPath(key), pos(n));
  if (n.IsScalar()) {
    diag_.recordSource(keyPath(key) + "[0]", pos(n));
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) {
    diag_.error(pos(n), keyPath(key), "expected a list of text values");
    return out;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      diag_.error(pos(n[i]), keyPath(key) + "[" + std::to_string(i) + "]", "expected a text value");
      continue;
    }
    diag_.recordSource(keyPath(key) + "[" + std::to_string(out.size()) + "]", pos(n[i]));
    out.push_back(n[i].Scalar());
  }
  return out;
}

MapReader MapReader::child(const std::string& key, bool required) {
  YAML::Node n = get(key);
  if ((!n.IsDefined() || n.IsNull()) && required && valid_)
    diag_.error(pos(node_), keyPath(key), "missing required section");
  return MapReader(n, file_, keyPath(key), diag_, keyPattern(key));
}

void MapReader::eachItem(const std::string& key, bool required,
                         const std::function<void(MapReader&, size_t)>& fn) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required && valid_) diag_.error(pos(node_), keyPath(key), "missing required list");
    return;
  }
  if (!n.IsSequence()) {
    diag_.error(pos(n), keyPath(key), "expected a list");
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    std::string p = keyPath(key) + "[" + std::to_string(i) + "]";
    MapReader r(n[i], file_, p, diag_, keyPattern(key) + "[]");
    if (!r.valid()) {
      if (n[i].IsNull()) diag_.error(pos(n[i]), p, "expected a mapping");
      continue;
    }
    fn(r, i);
    r.finish();
  }
}

void MapReader::eachEntry(const std::string& key, bool required,
                          const std::function<void(const std::string&, MapReader&, Position)>& fn) {
  YAML::Node n = get(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required && valid_) diag_.error(pos(node_), keyPath(key), "missing required section");
    return;
  }
  if (!n.IsMap()) {
    diag_.error(pos(n), keyPath(key), "expected a mapping");
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string name = it->first.Scalar();
    MapReader r(it->second, file_, keyPath(key) + "." + name, diag_, keyPattern(key) + ".<name>");
    if (!r.valid()) {
      diag_.error(pos(it->first), keyPath(key) + "." + name, "expected a mapping");
      continue;
    }
    fn(name, r, pos(it->first));
    r.finish();
  }
}

RetryPolicy readRetry(MapReader r, const RetryPolicy& def) {
  RetryPolicy p = def;
  p.initial = r.duration("initial", def.initial);
  p.factor = r.number("factor", def.factor, 1.0, 10.0);
  p.max = r.duration("max", def.max);
  if (r.valid() && p.max < p.initial) r.error("max", "must not be smaller than initial");
  r.finish();
  return p;
}

YAML::Node loadYamlFile(const std::string& path, const std::string& shown_name, Diagnostics& diag) {
  std::ifstream in(path);
  if (!in) {
    diag.error(shown_name + ": cannot read file");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  try {
    return YAML::Load(in);
  } catch (const YAML::ParserException& e) {
    diag.error(Position{shown_name, e.mark.line + 1, e.mark.column + 1}, "",
               "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    diag.error(shown_name + ": " + e.msg);
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace hub::config
