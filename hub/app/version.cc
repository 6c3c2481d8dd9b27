#include "hub/app/version.h"

namespace hub::app {

std::string versionLine() {
  return "ketenhub " + std::string(versionNumber()) + " (commit " + std::string(gitCommit()) + ")";
}

}  // namespace hub::app
