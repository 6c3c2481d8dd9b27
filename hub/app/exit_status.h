#pragma once
// Exit codes of every command: 0 ok, 1 failure (one-line reason on stderr), 2 usage error.
#include <string>

namespace hub::app {

// Prints "ketenhub: <msg>" to stderr and returns code.
int fail(const std::string& msg, int code = 1);
// A usage error: fail(msg, 2).
int usage(const std::string& msg);

}  // namespace hub::app
