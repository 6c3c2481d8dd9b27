#!/usr/bin/env bash
# The hub on a PostgreSQL store (a private PostgreSQL 15 server on loopback): events are
# delivered as on SQLite; a second instance on the same database is refused (one instance per
# database until claims carry leases); while the database is down the hub stops taking events
# (not ready, no credit), loses nothing and delivers everything once it is back; a kill -9 under
# load loses nothing either.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
kh_pki
pg_start "$WORK/pg"
pg_createdb ketenhub
pgq() { pg_psql ketenhub -c "$1"; }
kh_start_sim om om
kh_config "$SIM_PORT_om"
$PY - "$WORK/hub.yaml" "port=$PG_PORT" "$PG_PASSWORD_FILE" <<'PY'
import sys
path, port, pwfile = sys.argv[1:]
text = open(path).read()
text = text.replace("store:\n  sqlite: ketenhub.db\n",
    "store:\n  postgres:\n    conninfo: \"host=127.0.0.1 %s dbname=ketenhub user=ketenhub_admin\"\n"
    "    password_file: %s\naudit:\n  dir: audit\n  key_file: audit-person.key\n" % (port, pwfile))
open(path, "w").write(text)
PY
grep -q "postgres:" "$WORK/hub.yaml" || kh_fail "hub.yaml was not switched to postgres"
kh_start_hub
FIRST_ADMIN=$ADMIN_PORT

delivered() { pgq "SELECT COUNT(*) FROM deliveries WHERE state='delivered'"; }
all_delivered() { [ "$(delivered)" -eq "$1" ]; }

kh_send 200 --window 50 >"$WORK/send1.log" 2>&1 || kh_fail "send failed"
kh_wait_until 60 all_delivered 200 || kh_fail "200 events: $(delivered) delivered"
kh_assert_eq 200 "$(kh_sim_unique om)" "delivery ids the partner received"
kh_log "200 events delivered through the PostgreSQL store"

# A second instance on the same database does not start.
set +e
timeout 20 "$BIN" run --config "$WORK/hub.yaml" >"$WORK/second.log" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || kh_fail "a second instance started on the same store (rc $rc)"
grep -q "another hub instance is using this store" "$WORK/second.log" ||
  kh_fail "the second instance did not say why it stopped"

# The database goes away under load for 20 s.
ADMIN_PORT=$FIRST_ADMIN
CASE_PREFIX=CM-0345-2026 kh_send 600 --window 20 --rate 60 >"$WORK/send2.log" 2>&1 &
SEND=$!
PIDS+=($SEND)
more_than() { [ "$(delivered)" -gt "$1" ]; }
kh_wait_until 30 more_than 260 || kh_fail "load did not start"
pg_stop_server
not_ready() { ! curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null; }
kh_wait_until 20 not_ready || kh_fail "the hub stayed ready without its database"
curl -s "http://127.0.0.1:$ADMIN_PORT/readyz" | grep -q "store" || kh_fail "readyz does not name the store"
kh_log "database down: hub not ready"
sleep 20
kill -0 "$HUB_PID" 2>/dev/null || kh_fail "the hub died while its database was down"
pg_start_server
kh_log "database back"
ready() { curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz"; }
kh_wait_until 30 ready || kh_fail "the hub did not become ready again"
wait "$SEND" || kh_fail "send failed across the outage: $(tail -3 "$WORK/send2.log")"
kh_wait_until 90 all_delivered 800 || kh_fail "after the outage: $(delivered) of 800 delivered"
kh_assert_eq 800 "$(kh_sim_unique om)" "delivery ids the partner received after the outage"

# kill -9 under load, then start again: nothing lost.
CASE_PREFIX=CM-0346-2026 kh_send 400 --window 50 --rate 100 >"$WORK/send3.log" 2>&1 &
SEND=$!
PIDS+=($SEND)
kh_wait_until 30 more_than 850 || kh_fail "load did not start"
kill -KILL "$HUB_PID"
wait "$SEND" 2>/dev/null || true
accepted=$(pgq "SELECT COUNT(*) FROM events")
sent_ok=$(grep -o 'accepted=[0-9]*' "$WORK/send3.log" | cut -d= -f2 || true)
[ -z "$sent_ok" ] || [ $((800 + sent_ok)) -le "$accepted" ] || kh_fail "acknowledged $sent_ok but stored $accepted"
kh_start_hub
kh_wait_until 90 all_delivered "$((accepted))" || kh_fail "after kill -9: $(delivered) of $accepted delivered"
kh_assert_eq "$accepted" "$(kh_sim_unique om)" "delivery ids the partner received after kill -9"
kh_assert_eq 0 "$(pgq "SELECT COUNT(*) FROM deliveries WHERE state<>'delivered'")" "deliveries not delivered"
kh_log "kill -9: $accepted events stored, all delivered"
kh_pass
