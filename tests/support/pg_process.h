#pragma once
// Child processes for the test PostgreSQL server (pg_server.h): PostgreSQL refuses to run as root,
// so when euid is 0 initdb and pg_ctl run as the `postgres` system user (uid switched in the
// forked child, no shell, no PAM). Children get stdin from /dev/null, stdout and stderr appended
// to the server's log file, and no other inherited descriptor (close_range), so a postmaster
// never holds on to a test's sockets.
#include <sys/types.h>

#include <string>
#include <vector>

#include "hub/core/result.h"

namespace hub::testing {

struct RunAs {
  bool switch_user = false;  // true when we are root: the child becomes uid/gid below
  uid_t uid = 0;
  gid_t gid = 0;
};

// Ourselves when not root; the `postgres` system user when root (an error if it does not exist).
Result<RunAs> pgRunAs();

// Runs argv (argv[0] an absolute path) and waits; the exit status, or an error when it could not
// be started or ended by a signal.
Result<int> runAndWait(const std::vector<std::string>& argv, const RunAs& as, int log_fd);

// A watchdog for everything under `base_dir`: a child in its own session that blocks reading
// `read_fd` (the read end of a pipe whose write end only we hold). If it reads "done" it exits;
// on end of file (we died without cleaning up: crash, abort, SIGKILL, ctest timeout) it stops
// the server immediately (pg_ctl stop -m immediate) and removes base_dir. Returns its pid.
Result<pid_t> spawnGuardian(int read_fd, const RunAs& as, const std::string& pg_ctl,
                            const std::string& base_dir);

}  // namespace hub::testing
