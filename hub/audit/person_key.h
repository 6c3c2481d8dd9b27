#pragma once
// The key of the audit trail's person hash (audit.key_file): text of at least 32 characters
// (the hub writes 64 hex characters of 32 random bytes when it creates one). Without the key a
// person hash cannot be linked to a BSN, even though the BSN space is small enough to try every
// number: keep the key apart from the trail (the trail may be handed out; the key never).
// Changing the key changes every later hash: a case's records before and after no longer match.
#include <string>

#include "hub/core/result.h"

namespace hub::audit {

// Reads the key; with create, writes a new random one (mode 0600) when the file is missing.
// Errors: unreadable, shorter than 32 characters, or readable by others than its owner's group.
Result<std::string> loadPersonKey(const std::string& path, bool create);

}  // namespace hub::audit
