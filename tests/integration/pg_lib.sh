# shellcheck shell=bash
# A private PostgreSQL 15 server for integration tests. Source it after lib.sh (and after
# rabbitmq.sh, if used: its EXIT trap runs the one it finds). The server code is
# deploy/cluster/lib/postgres.sh (pg_start, pg_stop, pg_stop_server, pg_start_server,
# pg_createdb, pg_psql: see there); this file adds the test's EXIT trap and
#
#   pg_hub_store DB LEASE_SECONDS
#                      switches $WORK/hub.yaml (lib.sh's kh_config) from SQLite to database DB on
#                      this server (the password file, the lease, audit dir and key file)
#
# Tests run pg_start with its watcher, which stops the server and removes DIR if this shell dies
# without its EXIT trap (SIGKILL, a ctest timeout, or a later `trap ... EXIT` that replaced ours).
# Use DIR=$WORK/pg: the server log is then $WORK/pg.log, whose tail lib's cleanup shows on
# failure.

# shellcheck source=../../deploy/cluster/lib/postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/cluster/lib/postgres.sh"

pg_hub_store() {
  local db=$1 lease=$2
  python3 - "$WORK/hub.yaml" "$PG_PORT" "$PG_PASSWORD_FILE" "$db" "$lease" <<'PY'
import sys
path, port, pwfile, db, lease = sys.argv[1:]
text = open(path).read()
text = text.replace("store:\n  sqlite: ketenhub.db\n",
    "store:\n  postgres:\n    conninfo: \"host=127.0.0.1 port=%s dbname=%s user=ketenhub_admin\"\n"
    "    password_file: %s\n    lease_seconds: %s\naudit:\n  dir: audit\n  key_file: audit-person.key\n"
    % (port, db, pwfile, lease))
open(path, "w").write(text)
PY
  grep -q "lease_seconds: $lease" "$WORK/hub.yaml" || kh_fail "hub.yaml was not switched to postgres"
}

# Stops the server before the EXIT trap that was set when this file was sourced (rabbitmq.sh's
# or lib.sh's), keeping the exit status.
PG_PREV_EXIT_TRAP=$(trap -p EXIT | sed -e "s/^trap -- '\(.*\)' EXIT\$/\1/")
pg_exit_trap() {
  local rc=$?
  set +e
  pg_stop "$PG_DIR"
  (exit $rc)
  eval "${PG_PREV_EXIT_TRAP:-exit $rc}"
}
trap pg_exit_trap EXIT
