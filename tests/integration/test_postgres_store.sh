#!/usr/bin/env bash
# The hub on a PostgreSQL store (a private PostgreSQL 15 server on loopback): events are
# delivered as on SQLite; while the database is down the hub stops taking events (not ready, no
# credit), loses nothing and delivers everything once it is back; two instances share the store
# and, when one is killed (-9) under load, the other delivers what it had, its in-flight
# deliveries once their lease ends.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
kh_pki
pg_start "$WORK/pg"
pg_createdb ketenhub
pgq() { pg_psql ketenhub -c "$1"; }
kh_start_sim om om
kh_config "$SIM_PORT_om"
pg_hub_store ketenhub 3
kh_start_hub
FIRST_ADMIN=$ADMIN_PORT

delivered() { pgq "SELECT COUNT(*) FROM deliveries WHERE state='delivered'"; }
all_delivered() { [ "$(delivered)" -eq "$1" ]; }

kh_send 200 --window 50 >"$WORK/send1.log" 2>&1 || kh_fail "send failed"
kh_wait_until 60 all_delivered 200 || kh_fail "200 events: $(delivered) delivered"
kh_assert_eq 200 "$(kh_sim_unique om)" "delivery ids the partner received"
kh_log "200 events delivered through the PostgreSQL store"

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

# A second instance on the same store, both taking events; kill -9 of the first under load: the
# second delivers everything the first had stored, its in-flight deliveries once their lease
# (3 s) ends.
FIRST_PID=$HUB_PID
FIRST_AMQP=$AMQP_PORT
kh_start_hub
SECOND_PID=$HUB_PID
SECOND_AMQP=$AMQP_PORT
SECOND_ADMIN=$ADMIN_PORT
AMQP_PORT=$FIRST_AMQP CASE_PREFIX=CM-0346-2026 kh_send 400 --window 50 --rate 100 >"$WORK/send3.log" 2>&1 &
SEND_A=$!
PIDS+=($SEND_A)
AMQP_PORT=$SECOND_AMQP CASE_PREFIX=CM-0347-2026 kh_send 400 --window 50 --rate 100 >"$WORK/send4.log" 2>&1 &
SEND_B=$!
PIDS+=($SEND_B)
kh_wait_until 30 more_than 900 || kh_fail "load did not start"
# The partner holds its answers for a moment, so that attempts are in flight when an instance
# dies. The partner's cap holds over both instances, so either may hold them all: the one holding
# most is killed, the other must deliver everything.
kill -STOP "$SIM_PID_om"
owner_of() { pgq "SELECT lease_owner FROM deliveries WHERE state='in_flight' GROUP BY lease_owner ORDER BY COUNT(*) DESC, lease_owner LIMIT 1"; }
held() { [ -n "$(owner_of)" ]; }
kh_wait_until 10 held || { kill -CONT "$SIM_PID_om"; kh_fail "no attempt in flight on either instance"; }
OWNER=$(owner_of)
if [ "${OWNER##*/}" = "$FIRST_PID" ]; then
  VICTIM=first VICTIM_PID=$FIRST_PID VICTIM_SEND=$SEND_A VICTIM_LOG=send3
  SURVIVOR_PID=$SECOND_PID SURVIVOR_SEND=$SEND_B SURVIVOR_LOG=send4 SURVIVOR_ADMIN=$SECOND_ADMIN
else
  VICTIM=second VICTIM_PID=$SECOND_PID VICTIM_SEND=$SEND_B VICTIM_LOG=send4
  SURVIVOR_PID=$FIRST_PID SURVIVOR_SEND=$SEND_A SURVIVOR_LOG=send3 SURVIVOR_ADMIN=$FIRST_ADMIN
fi
in_flight=$(pgq "SELECT COUNT(*) FROM deliveries WHERE state='in_flight' AND lease_owner='$OWNER'")
kill -KILL "$VICTIM_PID"
kill -CONT "$SIM_PID_om"
wait "$VICTIM_SEND" 2>/dev/null || true
wait "$SURVIVOR_SEND" || kh_fail "send to the surviving instance failed: $(tail -3 "$WORK/$SURVIVOR_LOG.log")"
accepted=$(pgq "SELECT COUNT(*) FROM events")
sent_ok=$(grep -o 'accepted=[0-9]*' "$WORK/$VICTIM_LOG.log" | cut -d= -f2 || true)
[ -z "$sent_ok" ] || [ $((1200 + sent_ok)) -le "$accepted" ] || kh_fail "acknowledged $sent_ok but stored $accepted"
kh_wait_until 90 all_delivered "$accepted" || kh_fail "after kill -9: $(delivered) of $accepted delivered"
kh_assert_eq "$accepted" "$(kh_sim_unique om)" "delivery ids the partner received after kill -9"
kh_assert_eq 0 "$(pgq "SELECT COUNT(*) FROM deliveries WHERE state<>'delivered'")" "deliveries not delivered"
kh_assert_eq "$accepted" "$(pgq "SELECT COUNT(*) FROM deliveries")" "one delivery per event"
grep -q '"msg":"took over deliveries whose lease ended"' "$WORK/hub.log" ||
  kh_fail "the surviving instance did not take over the killed one's leases"
kill -0 "$SURVIVOR_PID" || kh_fail "the surviving instance died"
curl -sf "http://127.0.0.1:$SURVIVOR_ADMIN/readyz" >/dev/null || kh_fail "the surviving instance is not ready"
kh_log "kill -9 of one of two instances (the $VICTIM): $accepted events stored, all delivered ($in_flight were in flight on it)"
kh_pass
