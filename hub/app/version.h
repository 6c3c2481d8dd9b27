#pragma once
// The version of this binary (the CMake project VERSION) and the git commit it was built from
// ("unknown" outside a git checkout). Written at build time.
#include <string>
#include <string_view>

namespace hub::app {

std::string_view versionNumber();
std::string_view gitCommit();
// "ketenhub 0.1.0 (commit 1a2b3c4d5e6f)": what --version and `ketenhub version` print.
std::string versionLine();

}  // namespace hub::app
