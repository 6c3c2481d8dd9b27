# shellcheck shell=bash
# A private PostgreSQL 15 server on loopback, from the Debian package's binaries: initdb into DIR,
# listening on 127.0.0.1 and a free port, its Unix socket in DIR/sock. Never touches the system
# cluster or its service. As root, initdb/pg_ctl run as `postgres` (PostgreSQL refuses root); DIR
# is chowned to it. Used by deploy/cluster/run.sh and, through tests/integration/pg_lib.sh, by the
# integration tests.
#
#   pg_start DIR       initdb + start; superuser ketenhub_admin (scram-sha-256 over TCP, trust on
#                      the socket) with a random 24-hex-character password. Not in $(...): it
#                      sets the variables below (and, unless PG_NO_WATCH=1, starts the watcher)
#   pg_stop [DIR]      stop (fast) and remove DIR; safe to call twice or before pg_start
#   pg_stop_server     stop (fast), keeping the data (a "database down" test)
#   pg_start_server    start it again: same data, port and password
#   pg_createdb NAME   CREATE DATABASE NAME (template0, UTF8); NAME is [a-z0-9_]+
#   pg_psql DB ARGS... psql -X -qAt -v ON_ERROR_STOP=1 on database DB (over TCP, with the password)
#   pg_running         whether the server of PG_DIR runs
#
# The server runs without fsync and full-page writes (fast, not crash-safe: test data only);
# PG_EXTRA_OPTS (set before pg_start) is appended to its options and wins over them, e.g.
# "-c fsync=on -c full_page_writes=on" (bench/run.sh STORE=postgres).
#
# Sets and exports PG_DIR, PG_PORT, PG_PASSWORD, PG_PASSWORD_FILE (DIR/password, mode 0600) and
# PG_CONNINFO ("host=127.0.0.1 port=N user=ketenhub_admin password=P"; append " dbname=X").
# The server log is DIR.log. The watcher (in its own session) stops the server and removes DIR
# once the shell that called pg_start is gone: tests set it, run.sh (whose server outlives the
# command) sets PG_NO_WATCH=1.

PG_BIN="${KETENHUB_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
PG_DIR=""
PG_PORT=""
PG_PASSWORD=""
PG_PASSWORD_FILE=""
PG_CONNINFO=""
PG_WATCH_PID=""

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Runs a PostgreSQL program as `postgres` when we are root.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ctl_start() {
  # shellcheck disable=SC2094  # pg_ctl appends the server's output, we append pg_ctl's
  pg_as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$PG_DIR/data" -l "$PG_DIR.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR/sock -c fsync=off \
-c synchronous_commit=on -c full_page_writes=off -c max_connections=${PG_MAX_CONNECTIONS:-100} \
-c shared_buffers=32MB ${PG_EXTRA_OPTS:-}" \
    >>"$PG_DIR.log" 2>&1
}

pg_start() {
  local dir=$1
  [ -x "$PG_BIN/initdb" ] || kh_fail "$PG_BIN/initdb not found (install postgresql-15)"
  case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
  [[ "$dir" =~ ^[A-Za-z0-9_./-]+$ ]] || kh_fail "pg_start: unsafe directory name '$dir'"
  [ ! -e "$dir/data" ] || kh_fail "pg_start: $dir/data exists already"
  PG_DIR=$dir
  mkdir -p "$dir/sock"
  chmod 700 "$dir" "$dir/sock"
  : >>"$dir.log"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$dir" "$dir.log"
    # mktemp -d dirs are 0700: let postgres pass through the parent (no listing: o+x only).
    runuser -u postgres -- test -x "$(dirname "$dir")" || chmod o+x "$(dirname "$dir")"
  fi
  [ "${PG_NO_WATCH:-0}" = 1 ] || pg_watch
  PG_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  PG_PASSWORD_FILE="$dir/password"
  (umask 077 && echo "$PG_PASSWORD" >"$PG_PASSWORD_FILE")
  # initdb reads the password as postgres: a copy it owns, removed right after.
  (umask 077 && echo "$PG_PASSWORD" >"$dir/initdb.pw")
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/initdb.pw"
  if ! pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U ketenhub_admin --pwfile="$dir/initdb.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
    --no-instructions >>"$dir.log" 2>&1; then
    rm -f "$dir/initdb.pw"
    kh_fail "initdb failed (see $dir.log)"
  fi
  rm -f "$dir/initdb.pw"
  local attempt
  for attempt in 1 2 3; do  # the free port may be taken before the server binds it
    PG_PORT=$(kh_free_port)
    pg_ctl_start && break
    if [ $attempt -eq 3 ] || ! grep -q "could not bind" "$dir.log"; then
      kh_fail "PostgreSQL did not start (see $dir.log)"
    fi
  done
  PG_CONNINFO="host=127.0.0.1 port=$PG_PORT user=ketenhub_admin password=$PG_PASSWORD"
  export PG_DIR PG_PORT PG_PASSWORD PG_PASSWORD_FILE PG_CONNINFO
  kh_log "postgresql up on 127.0.0.1:$PG_PORT ($dir)"
}

pg_running() {
  [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
    pg_as_owner "$PG_BIN/pg_ctl" status -D "$PG_DIR/data" >/dev/null 2>&1
}

pg_stop_server() {
  [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" stop -w -t 60 -m fast -D "$PG_DIR/data" >>"$PG_DIR.log" 2>&1 ||
    kh_fail "pg_ctl stop failed (see $PG_DIR.log)"
}

pg_start_server() {
  [ -n "$PG_DIR" ] || kh_fail "pg_start_server before pg_start"
  pg_ctl_start || kh_fail "PostgreSQL did not start again on port $PG_PORT (see $PG_DIR.log)"
}

pg_stop() {
  local dir="${1:-$PG_DIR}"
  [ -n "$dir" ] && [ "$dir" == "$PG_DIR" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" stop -w -t 60 -m fast -D "$dir/data" >>"$dir.log" 2>&1 ||
      pg_as_owner "$PG_BIN/pg_ctl" stop -w -t 30 -m immediate -D "$dir/data" >>"$dir.log" 2>&1 ||
      true
  fi
  if [ -n "$PG_WATCH_PID" ]; then
    kill -TERM "$PG_WATCH_PID" 2>/dev/null || true
    wait "$PG_WATCH_PID" 2>/dev/null || true
    PG_WATCH_PID=""
  fi
  rm -rf "$dir"
  PG_DIR=""
}

pg_createdb() {
  [[ "$1" =~ ^[a-z0-9_]+$ ]] || kh_fail "pg_createdb: database name '$1' is not [a-z0-9_]+"
  pg_psql postgres -c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8'" >/dev/null ||
    kh_fail "CREATE DATABASE $1 failed"
}

pg_psql() {
  local db=$1
  shift
  "$PG_BIN/psql" "$PG_CONNINFO dbname=$db connect_timeout=10" -X -qAt -v ON_ERROR_STOP=1 "$@"
}

# The watcher: polls this shell (every 0.5 s) and, once it is gone, stops the server at once
# (its data dir, else the postmaster pid it last saw) and removes the directory.
pg_watch() {
  # shellcheck disable=SC2016
  setsid bash -c '
    shell=$1 bin=$2 dir=$3 pm=""
    as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    trap "exit 0" TERM
    while kill -0 "$shell" 2>/dev/null; do
      [ ! -r "$dir/data/postmaster.pid" ] || pm=$(head -n1 "$dir/data/postmaster.pid")
      sleep 0.5
    done
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" stop -w -t 30 -m immediate -D "$dir/data"
    elif [ -n "$pm" ] && grep -qs postgres "/proc/$pm/cmdline"; then
      kill -QUIT "$pm"
    fi
    rm -rf "$dir"' pg-watch "$$" "$PG_BIN" "$PG_DIR" </dev/null >/dev/null 2>&1 &
  PG_WATCH_PID=$!
}
