# shellcheck shell=bash
# The few helpers deploy/cluster/lib/{postgres,rabbitmq}.sh use, unless the caller has its own
# (tests/integration/lib.sh, bench/rabbitmq.sh, deploy/cluster/run.sh define some of them first).

declare -F kh_fail >/dev/null || kh_fail() {
  echo "FAIL: $*" >&2
  exit 1
}
declare -F kh_log >/dev/null || kh_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
declare -F kh_free_port >/dev/null || kh_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# kh_wait_until SECONDS CMD...: until CMD succeeds (every 0.1 s); 1 if it never did.
declare -F kh_wait_until >/dev/null || kh_wait_until() {
  local end=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.1
  done
}
# kh_stop_pid PID: SIGTERM, up to 10 s, then SIGKILL.
declare -F kh_stop_pid >/dev/null || kh_stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}
