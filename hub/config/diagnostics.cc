#include "hub/config/diagnostics.h"

#include <algorithm>

namespace hub::config {

std::string Position::text() const {
  return line > 0 ? file + ":" + std::to_string(line) + ":" + std::to_string(column) : file;
}

std::string Diagnostics::format(const Position& pos, const std::string& key_path,
                                const std::string& message) {
  std::string s = pos.text();
  if (!key_path.empty()) s += " (" + key_path + ")";
  s += ": " + message;
  return s;
}

void Diagnostics::error(const Position& pos, const std::string& key_path,
                        const std::string& message) {
  errors_.push_back(format(pos, key_path, message));
}

void Diagnostics::warning(const Position& pos, const std::string& key_path,
                          const std::string& message) {
  warnings_.push_back(format(pos, key_path, message));
}

std::string Diagnostics::joined() const {
  std::string s;
  for (const auto& e : errors_) s += e + "\n";
  return s;
}

namespace {
size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 3;
  // A truncated or extended name ("client_cert" for "client_certificate") is a likely typo too.
  for (const auto& c : candidates)
    if (word.size() >= 4 && c.size() >= 4 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0))
      return c;
  for (const auto& c : candidates) {
    size_t d = editDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace hub::config
