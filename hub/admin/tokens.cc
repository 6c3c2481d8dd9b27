#include "hub/admin/tokens.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "hub/core/error_codes.h"
#include "hub/tls/digest.h"

namespace hub::admin {
namespace {

bool isName(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == ':' || c == '@';
  });
}

bool isHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool equalConstantTime(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

const char* roleName(Role r) {
  switch (r) {
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kNone:
      break;
  }
  return "none";
}

Result<TokenStore> TokenStore::parse(const std::string& text) {
  TokenStore store;
  std::istringstream in(text);
  std::string line, errors;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string name, role, digest, extra;
    if (!(fields >> name)) continue;  // blank or comment
    fields >> role >> digest >> extra;
    std::string problem;
    if (!isName(name))
      problem = "the name must be 1..64 of letters, digits and . _ - : @";
    else if (role != "viewer" && role != "operator")
      problem = "the role must be viewer or operator";
    else if (digest.rfind("sha256:", 0) != 0 || !isHex64(digest.substr(7)))
      problem = "expected sha256:<64 lower-case hex> (the token's hash, never the token)";
    else if (!extra.empty())
      problem = "expected <name> <role> sha256:<hex>";
    if (!problem.empty()) {
      errors += (errors.empty() ? "" : "; ") + ("line " + std::to_string(n) + ": " + problem);
      continue;
    }
    store.entries_.push_back(
        {{name, role == "operator" ? Role::kOperator : Role::kViewer}, digest.substr(7)});
  }
  if (!errors.empty()) return unexpected(errc::kConfig, "admin tokens file: " + errors);
  return store;
}

Result<TokenStore> TokenStore::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(errc::kConfig, "cannot read admin tokens file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse(buf.str());
}

std::optional<Identity> TokenStore::authenticate(const std::string& authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      authorization.compare(0, kBearer.size(), kBearer) != 0)
    return std::nullopt;
  const std::string hex = tls::sha256Hex(std::string_view(authorization).substr(kBearer.size()));
  std::optional<Identity> found;
  for (const auto& e : entries_)  // every entry compared: no early exit on a match
    if (equalConstantTime(hex, e.sha256_hex) && !found) found = e.who;
  return found;
}

}  // namespace hub::admin
