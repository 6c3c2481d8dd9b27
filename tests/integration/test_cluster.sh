#!/usr/bin/env bash
# Three hub instances in connect mode on one private PostgreSQL 15 store and one private RabbitMQ
# 3.10 node (a durable quorum queue; deploy/cluster/lib), one partner with a concurrency cap of 4
# over all instances together. Three phases, checked together at the end:
#  1. load while a random instance is killed (-9) every few seconds and started again;
#  2. the database stopped for 30 s under load: every instance reports not ready (GET /readyz),
#     intake stops, nothing is lost and everything is delivered once it is back;
#  3. a broker restart with events in the queue, then more events.
# Checks: every event published (publisher confirms) is stored once and delivered; the partner
# received every delivery id, duplicates only with the same delivery id (an attempt interrupted by
# a kill is sent again under its id); per case, the partner received the deliveries in store order
# (deliveries.seq); the partner simulator's peak of concurrent requests (GET /stats) never
# exceeded the cap.
# Size: 20,000 events in all: CASES x ROUNDS in phase 1 (1,800 cases x 10 events each), DB_EVENTS
# (1,400) in phase 2, 2 x BROKER_EVENTS (2 x 300) in phase 3. On a shared 2-core machine (broker,
# database, three instances, simulator and this script on the same cores) it takes about five
# minutes (phase 1 ~200 s at ~90 events/s with the kills); smaller runs for trying things out:
# CASES=100 ROUNDS=5 DB_EVENTS=200 DB_DOWN=15 BROKER_EVENTS=100 (about a minute).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq.sh"
source "$(dirname "$0")/pg_lib.sh"  # after rabbitmq.sh: its EXIT trap runs rabbitmq.sh's
source "$SRC/deploy/cluster/lib/hub.sh"
# On exit the instances stop first (together), while their database and broker are still up;
# then the EXIT traps of pg_lib.sh, rabbitmq.sh and lib.sh.
CLUSTER_PREV_EXIT_TRAP=$(trap -p EXIT | sed -e "s/^trap -- '\(.*\)' EXIT\$/\1/")
cluster_exit_trap() {
  local rc=$? pid
  set +e
  for pid in "${HUB[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${HUB[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  (exit $rc)
  eval "$CLUSTER_PREV_EXIT_TRAP"
}
trap cluster_exit_trap EXIT
CASES=${CASES:-1800}
ROUNDS=${ROUNDS:-10}
RATE1=${RATE1:-160}           # events/s published in phase 1
RATE2=${RATE2:-100}           # events/s published in phase 2 (all sent while the database is down)
KILL_EVERY=${KILL_EVERY:-5}   # seconds between kills in phase 1
DB_EVENTS=${DB_EVENTS:-1400}
DB_DOWN=${DB_DOWN:-30}
BROKER_EVENTS=${BROKER_EVENTS:-300}
CAP=4
INSTANCES=3
KHC_QUEUE=ketenhub.events
KHC_SOURCE=$SRC
KHC_LEASE_SECONDS=3
declare -a HUB=() ADMIN=()
T0=$SECONDS

kh_pki
pg_start "$WORK/pg"
pg_createdb ketenhub
pgq() { pg_psql ketenhub -c "$1"; }
rmq_setup
rmq_start
rmq_declare_queue "$KHC_QUEUE" quorum
kh_assert_eq quorum "$(rmq_queue_info "$KHC_QUEUE" type)" "queue type"
kh_start_sim om om
khc_secrets "$WORK"
khc_write_routes "$WORK" "$SIM_PORT_om" "$CAP"
for i in $(seq $INSTANCES); do
  ADMIN[$i]=$(kh_free_port)
  khc_write_config "$WORK" "$i" "${ADMIN[$i]}"
done
"$BIN" config check --config "$WORK/hub-1.yaml" >"$WORK/check.log" 2>&1 ||
  kh_fail "config check failed: $(cat "$WORK/check.log")"

RESTARTS=0
DEADLOCK_RETRIES=0
# Starts instance I and waits until its log says it runs. A start-up that fails with a deadlock
# (40P01) is tried once more (counted in DEADLOCK_RETRIES): main retries such start-up work itself.
start_instance() {
  local i=$1 attempt from
  for attempt in 1 2; do
    touch "$WORK/hub-$i.log"
    from=$(($(wc -l <"$WORK/hub-$i.log") + 1))
    "$BIN" run --config "$WORK/hub-$i.yaml" >>"$WORK/hub-$i.log" 2>&1 &
    HUB[$i]=$!
    PIDS+=("${HUB[$i]}")
    local end=$((SECONDS + 60))
    until tail -n +"$from" "$WORK/hub-$i.log" | grep -q '"msg":"ketenhub running"'; do
      kill -0 "${HUB[$i]}" 2>/dev/null || break
      [ $SECONDS -lt $end ] || kh_fail "instance $i did not start within 60 s"
      sleep 0.1
    done
    kill -0 "${HUB[$i]}" 2>/dev/null && return 0
    if [ $attempt -eq 1 ] && tail -n +"$from" "$WORK/hub-$i.log" | grep -q '40P01'; then
      DEADLOCK_RETRIES=$((DEADLOCK_RETRIES + 1))
      kh_log "instance $i: start-up failed with a deadlock (40P01), starting it again"
      continue
    fi
    kh_fail "instance $i exited during start-up: $(tail -n +"$from" "$WORK/hub-$i.log" | tail -3)"
  done
}
ready() { curl -sf "http://127.0.0.1:${ADMIN[$1]}/readyz" >/dev/null; }
all_ready() { for i in $(seq $INSTANCES); do ready "$i" || return 1; done; }
none_ready() { for i in $(seq $INSTANCES); do ! ready "$i" || return 1; done; }
sim_stats() {
  curl -sf --cacert "$WORK/pki/ca.crt" --cert "$WORK/pki/hub-client.crt" \
    --key "$WORK/pki/hub-client.key" "https://localhost:$SIM_PORT_om/stats"
}
peak() { sim_stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["peak_concurrent"])'; }
delivered() { pgq "SELECT COUNT(*) FROM deliveries WHERE state='delivered'"; }
all_delivered() { [ "$(delivered)" -eq "$1" ]; }
stored() { pgq "SELECT COUNT(*) FROM events"; }
queue_empty() { [ "$(rmq_queue_messages "$KHC_QUEUE")" = "0" ]; }

PUBLISHED=0
# publish TAG COUNT CASE_PREFIX [send args]: COUNT events with message ids TAG-000001..., cases
# CASE_PREFIX-000001...; all must be confirmed by the broker.
publish() {
  local tag=$1 count=$2 prefix=$3
  shift 3
  "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" --url "$RMQ_URL" \
    --address "/amq/queue/$KHC_QUEUE" --user guest --password-file "$WORK/secrets/rabbit.pass" \
    --event-type wvggz.crisismaatregel.genomen --case-id "$prefix" --actor "burgemeester:0344:test" \
    --count "$count" --message-id "$tag" "$@" >>"$WORK/send-$tag.txt" 2>&1 ||
    kh_fail "send $tag failed: $(tail -2 "$WORK/send-$tag.txt")"
  grep -q "accepted=$count " "$WORK/send-$tag.txt" || kh_fail "broker did not confirm $tag: $(cat "$WORK/send-$tag.txt")"
}

for i in $(seq $INSTANCES); do start_instance "$i"; done
kh_wait_until 60 all_ready || kh_fail "instances not ready"
kh_log "set-up done in $((SECONDS - T0)) s"

# Phase 1: ROUNDS rounds of one event for each of CASES cases (round r is case order r), while a
# random instance is killed every KILL_EVERY seconds and started again a second later.
T1=$SECONDS
(
  for r in $(seq "$ROUNDS"); do publish "r$r" "$CASES" CM-0344-2026 --rate "$RATE1" --window 200; done
) &
SEND=$!
PIDS+=("$SEND")
kills=0
while kill -0 "$SEND" 2>/dev/null; do
  sleep "$KILL_EVERY"
  kill -0 "$SEND" 2>/dev/null || break
  i=$((RANDOM % INSTANCES + 1))
  kill -KILL "${HUB[$i]}"
  wait "${HUB[$i]}" 2>/dev/null || true
  kills=$((kills + 1))
  sleep 1
  start_instance "$i"
  RESTARTS=$((RESTARTS + 1))
done
wait "$SEND" || kh_fail "phase 1: publishing failed"
PUBLISHED=$((CASES * ROUNDS))
kh_wait_until 180 all_delivered "$PUBLISHED" ||
  kh_fail "phase 1: $(delivered) of $PUBLISHED delivered; $(pgq "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
kh_assert_eq "$PUBLISHED" "$(stored)" "phase 1: events stored"
kh_wait_until 30 all_ready || kh_fail "phase 1: instances not ready at the end"
kh_log "phase 1: $PUBLISHED events delivered in $((SECONDS - T1)) s, $kills kills; partner peak $(peak)"

# Phase 2: the database stops for DB_DOWN s under load.
T2=$SECONDS
publish db "$DB_EVENTS" CM-0345-2026 --rate "$RATE2" --window 200 &
SEND=$!
PIDS+=("$SEND")
more_than() { [ "$(delivered)" -gt "$1" ]; }
kh_wait_until 30 more_than $((PUBLISHED + DB_EVENTS / 10)) || kh_fail "phase 2: load did not start"
pg_stop_server
kh_wait_until 20 none_ready || kh_fail "phase 2: an instance stayed ready without the database"
kh_log "phase 2: database down, no instance ready"
T_DOWN=$SECONDS
# Intake stops: once the sender is done, the queue keeps every message it has (ready or
# unacknowledged), none is settled. (The broker's queue figures lag up to 5 s: its statistics
# interval.)
wait "$SEND" || kh_fail "phase 2: publishing failed"
sleep 6
[ $((SECONDS - T_DOWN)) -lt $((DB_DOWN - 2)) ] || kh_fail "phase 2: publishing outlasted the outage (lower DB_EVENTS)"
q1=$(rmq_queue_messages "$KHC_QUEUE")
sleep $((DB_DOWN - (SECONDS - T_DOWN)))
q2=$(rmq_queue_messages "$KHC_QUEUE")
kh_assert_eq "$q1" "$q2" "phase 2: messages in the queue while the database is down"
[ "$q2" -gt 0 ] || kh_fail "phase 2: no message waited in the queue during the outage"
for i in $(seq $INSTANCES); do
  kill -0 "${HUB[$i]}" 2>/dev/null || kh_fail "phase 2: instance $i died while the database was down"
done
kh_assert_eq "" "$(for i in $(seq $INSTANCES); do ! ready "$i" || echo "$i"; done)" "ready instances after $DB_DOWN s without the database"
pg_start_server
kh_log "phase 2: database back"
kh_wait_until 60 all_ready || kh_fail "phase 2: instances not ready again"
PUBLISHED=$((PUBLISHED + DB_EVENTS))
kh_wait_until 120 all_delivered "$PUBLISHED" || kh_fail "phase 2: $(delivered) of $PUBLISHED delivered"
kh_assert_eq "$PUBLISHED" "$(stored)" "phase 2: events stored"
kh_log "phase 2: $DB_EVENTS events across a $DB_DOWN s database outage ($q2 waited in the queue), all delivered ($((SECONDS - T2)) s)"

# Phase 3: events in the queue, the broker stops and starts again (the quorum queue keeps them),
# then more events.
T3=$SECONDS
publish b1 "$BROKER_EVENTS" CM-0346-2026 --window 200
rmq_stop
kh_wait_until 20 none_ready || kh_fail "phase 3: an instance stayed ready without the broker"
rmq_start
kh_wait_until 60 all_ready || kh_fail "phase 3: instances did not reconnect to the broker"
publish b2 "$BROKER_EVENTS" CM-0347-2026 --window 200
PUBLISHED=$((PUBLISHED + 2 * BROKER_EVENTS))
kh_wait_until 120 all_delivered "$PUBLISHED" || kh_fail "phase 3: $(delivered) of $PUBLISHED delivered"
kh_wait_until 20 queue_empty || kh_fail "phase 3: queue not drained: $(rmq_queue_messages "$KHC_QUEUE")"
kh_log "phase 3: broker restart, $((2 * BROKER_EVENTS)) events delivered ($((SECONDS - T3)) s)"

# The checks over all phases.
kh_assert_eq "$PUBLISHED" "$(stored)" "events stored (one per message id)"
kh_assert_eq "$PUBLISHED" "$(pgq "SELECT COUNT(*) FROM deliveries")" "deliveries (one per event)"
kh_assert_eq 0 "$(pgq "SELECT COUNT(*) FROM deliveries WHERE state<>'delivered'")" "deliveries not delivered"
pgq "COPY (SELECT delivery_id, case_id, seq FROM deliveries WHERE partner='om') TO STDOUT" >"$WORK/store.tsv"
read -r unique lines dups unknown disorder <<<"$($PY - "$WORK/sim-om/received.jsonl" "$WORK/store.tsv" <<'PY'
import json, sys
store = {}
for line in open(sys.argv[2]):
    d, case, seq = line.rstrip("\n").split("\t")
    store[d] = (case, int(seq))
seen, order, lines = set(), {}, 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    lines += 1
    d = json.loads(line)["delivery_id"]
    if d in seen:
        continue  # a repeat of an interrupted attempt, under the same delivery id
    seen.add(d)
    if d in store:
        order.setdefault(store[d][0], []).append(store[d][1])
unknown = len(seen - set(store))
disorder = sum(1 for seqs in order.values() if seqs != sorted(seqs))
print(len(seen), lines, lines - len(seen), unknown, disorder)
PY
)"
kh_assert_eq "$PUBLISHED" "$unique" "delivery ids the partner received"
kh_assert_eq 0 "$unknown" "delivery ids the partner received that the store does not have"
kh_assert_eq 0 "$disorder" "cases received out of store order"
kh_assert_eq 0 "$(grep -c '"verified":false' "$WORK/sim-om/received.jsonl" || true)" "unverified products"
p=$(peak)
[ "$p" -le "$CAP" ] || kh_fail "the partner had $p requests at once; the cap is $CAP"
kh_log "all phases: $PUBLISHED events, each delivered ($lines requests: $dups repeated attempts under the same id)," \
  "case order held, partner peak $p of cap $CAP, $RESTARTS restarts after kill -9," \
  "$DEADLOCK_RETRIES start-ups retried after 40P01; $((SECONDS - T0)) s in all"
kh_pass
