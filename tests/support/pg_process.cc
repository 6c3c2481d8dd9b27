#include "tests/support/pg_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hub/core/unique_fd.h"

extern char** environ;

namespace hub::testing {
namespace {

struct Argv {
  explicit Argv(const std::vector<std::string>& args) : strings(args) {
    for (auto& s : strings) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  std::vector<std::string> strings;
  std::vector<char*> ptrs;
};

// After fork: only async-signal-safe calls. Never returns.
[[noreturn]] void execChild(char* const* argv, int in_fd, int out_fd, const RunAs& as,
                            bool new_session) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);  // a test thread may block signals pg_ctl sends
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, nullptr);  // fails harmlessly for SIGKILL, SIGSTOP and RT signals
  }
  if (new_session) setsid();
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) _exit(126);
  if (close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 4096; ++fd) close(fd);
  }
  if (as.switch_user) {
    const gid_t gid = as.gid;
    if (setgroups(1, &gid) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0) _exit(126);
  }
  execve(argv[0], argv, environ);
  _exit(127);
}

Result<pid_t> forkExec(const std::vector<std::string>& args, int in_fd, int out_fd, const RunAs& as,
                       bool new_session) {
  Argv argv(args);
  const pid_t pid = fork();
  if (pid < 0) return unexpected("io", std::string("fork: ") + std::strerror(errno));
  if (pid == 0) execChild(argv.ptrs.data(), in_fd, out_fd, as, new_session);
  return pid;
}

Result<int> waitFor(pid_t pid, const std::string& what) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return unexpected("io", what + ": waitpid: " + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return unexpected("io", what + ": killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace

Result<RunAs> pgRunAs() {
  RunAs as;
  if (geteuid() != 0) return as;
  // getpwnam_r: the test may run other threads.
  struct passwd pw {};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r("postgres", &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return unexpected("config",
                      "running as root, but there is no `postgres` user to run "
                      "PostgreSQL as (PostgreSQL refuses to run as root)");
  }
  as.switch_user = true;
  as.uid = pw.pw_uid;
  as.gid = pw.pw_gid;
  return as;
}

Result<int> runAndWait(const std::vector<std::string>& argv, const RunAs& as, int log_fd) {
  UniqueFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return unexpected("io", std::string("/dev/null: ") + std::strerror(errno));
  auto pid = forkExec(argv, devnull.get(), log_fd, as, false);
  if (!pid) return unexpected(pid.error());
  return waitFor(*pid, argv[0]);
}

Result<pid_t> spawnGuardian(int read_fd, const RunAs& as, const std::string& pg_ctl,
                            const std::string& base_dir) {
  UniqueFd devnull(open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!devnull.valid()) return unexpected("io", std::string("/dev/null: ") + std::strerror(errno));
  // The paths are arguments ($1, $2), never part of the script text.
  const std::string script =
      "read -r line; [ \"$line\" = done ] && exit 0; "
      "\"$2\" stop -D \"$1/data\" -m immediate -w -t 30; rm -rf -- \"$1\"";
  return forkExec({"/bin/sh", "-c", script, "ketenhub-pg-guardian", base_dir, pg_ctl}, read_fd,
                  devnull.get(), as, true);
}

}  // namespace hub::testing
