#pragma once

#include <pthread.h>

#include <string>

namespace hub {

// Names the calling thread as `top -H`, `ps -L`, gdb and perf show it (Linux keeps 15 bytes).
inline void nameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace hub
