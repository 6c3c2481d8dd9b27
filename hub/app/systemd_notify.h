#pragma once
// SystemdNotifier: the service manager protocol of `Type=notify` units (deploy/systemd/), through
// libsystemd's sd_notify. Outside systemd (no NOTIFY_SOCKET) every call is a no-op, so the same
// binary runs under systemd, in a container or from a shell.
//
//   start-up done  -> ready("...")       READY=1 + STATUS
//   SIGHUP reload  -> reloading(), then ready() again (systemd waits for it after ExecReload)
//   shutting down  -> stopping()         STOPPING=1
//   alive          -> watchdog()         WATCHDOG=1, every watchdogInterval() at most (half of the
//                                        unit's WatchdogSec); no-op when the unit has no watchdog
#include <chrono>
#include <string>

namespace hub::app {

class SystemdNotifier {
 public:
  SystemdNotifier();

  bool underSystemd() const { return under_systemd_; }
  std::chrono::milliseconds watchdogInterval() const { return watchdog_interval_; }

  void ready(const std::string& status) const;
  void reloading() const;
  void stopping() const;
  void watchdog() const;
  void status(const std::string& status) const;

 private:
  void send(const std::string& state) const;

  bool under_systemd_ = false;
  std::chrono::milliseconds watchdog_interval_{0};
};

}  // namespace hub::app
