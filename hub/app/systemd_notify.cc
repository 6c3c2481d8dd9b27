#include "hub/app/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace hub::app {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  under_systemd_ = socket != nullptr && socket[0] != '\0';
  uint64_t usec = 0;
  // > 0 only when the unit has WatchdogSec= and the watchdog is meant for this process.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_interval_ = std::chrono::milliseconds(usec / 2000);  // ping at half the period
}

void SystemdNotifier::send(const std::string& state) const {
  if (under_systemd_) (void)sd_notify(0, state.c_str());
}

void SystemdNotifier::ready(const std::string& status) const { send("READY=1\nSTATUS=" + status); }
void SystemdNotifier::reloading() const { send("RELOADING=1\nSTATUS=reloading configuration"); }
void SystemdNotifier::stopping() const { send("STOPPING=1\nSTATUS=stopping"); }
void SystemdNotifier::watchdog() const {
  if (watchdog_interval_.count() > 0) send("WATCHDOG=1");
}
void SystemdNotifier::status(const std::string& status) const { send("STATUS=" + status); }

}  // namespace hub::app
