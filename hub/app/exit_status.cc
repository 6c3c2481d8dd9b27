#include "hub/app/exit_status.h"

#include <iostream>

namespace hub::app {

int fail(const std::string& msg, int code) {
  std::cerr << "ketenhub: " << msg << std::endl;
  return code;
}

int usage(const std::string& msg) { return fail(msg, 2); }

}  // namespace hub::app
