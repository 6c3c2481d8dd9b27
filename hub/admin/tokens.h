#pragma once
// Bearer tokens of the admin API, from admin.tokens_file. The file holds only hashes, never a
// token: one line per token,
//   <name> <role> sha256:<64 hex of SHA-256(token)>
// name: who (audited as the operator's identity: letters, digits, . _ - : @); role: viewer or
// operator. '#' starts a comment. Make a line with
//   printf %s "$TOKEN" | sha256sum
// Pure apart from load(); comparisons in constant time.
#include <optional>
#include <string>
#include <vector>

#include "hub/core/result.h"

namespace hub::admin {

enum class Role { kNone, kViewer, kOperator };

const char* roleName(Role r);

struct Identity {
  std::string name;
  Role role = Role::kNone;
};

class TokenStore {
 public:
  // Parses the file's text; every problem names its line.
  static Result<TokenStore> parse(const std::string& text);
  static Result<TokenStore> load(const std::string& path);

  // The identity of "Bearer <token>" (the Authorization header's value), or nullopt.
  std::optional<Identity> authenticate(const std::string& authorization) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Identity who;
    std::string sha256_hex;
  };
  std::vector<Entry> entries_;
};

}  // namespace hub::admin
