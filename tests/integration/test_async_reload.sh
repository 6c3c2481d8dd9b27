#!/usr/bin/env bash
# Non-blocking HTTP under configuration reloads and a graceful stop. The OM answers after 300 ms;
# 200 events (160 cases of one event, 8 cases of 5 events) are delivered while the configuration
# is reloaded 5 times with SIGHUP (the OM's concurrency 8 -> 4 -> 8 -> 4 -> 8 -> 4): each reload
# succeeds, the hub stays up, the partner never sees more transfers at once than the cap (4 once
# a reload to 4 has drained), every delivery arrives exactly once and each case in order, none
# is dead, and the I/O threads of replaced runtimes end. Then 60 more and SIGTERM while transfers
# are in flight: the hub exits 0 within 15 s, every transfer the partner answered is recorded
# delivered (none "not recorded"), and after a restart on the same store all 260 are delivered,
# repeats (if any) only under the same delivery id.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N1=200   # phase 1: 160 single-event cases + 8 cases x 5 events
N2=60    # phase 2: sent before the SIGTERM
ORDERED_CASES=8
PER_CASE=5
RELOADS=5
STOP_LIMIT_S=15
T0=$SECONDS

kh_pki
kh_start_sim om om --delay-ms 300
OM_CONCURRENCY=8 kh_config "$SIM_PORT_om"
kh_start_hub

HUB_LOG="$WORK/hub.log"
sim_stats() {  # the partner-sim's {"requests","in_flight","peak_concurrent"}
  curl -sf --max-time 5 --cacert "$WORK/pki/ca.crt" --cert "$WORK/pki/hub-client.crt" \
    --key "$WORK/pki/hub-client.key" "https://localhost:$SIM_PORT_om/stats"
}
sim_field() { sim_stats | $PY -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
count_state() { kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='$1'"; }
log_count() { grep -c -- "$1" "$HUB_LOG" || true; }
states() { kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state" | tr '\n' ' '; }
hub_alive() {  # fails with the exit status when the hub is gone (crash, abort)
  kill -0 "$HUB_PID" 2>/dev/null && return 0
  local rc=0
  wait "$HUB_PID" 2>/dev/null || rc=$?
  kh_fail "the hub died ($1): exit status $rc"
}
hub_in_flight() {  # the hub's attempts in flight to the OM (its partner gate)
  curl -sf "http://127.0.0.1:$ADMIN_PORT/api/v1/status" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["partners"]["om"]["in_flight_now"])'
}
drained() { [ "$(hub_in_flight)" -le 4 ]; }
http_threads() {  # the hub's partner I/O threads ("kh-http-om")
  cat /proc/"$HUB_PID"/task/*/comm 2>/dev/null | grep -c '^kh-http-om$' || true
}
backtraces() {  # best effort, when the hub hangs
  gdb -p "$1" -batch -ex "thread apply all bt" >"$WORK/hang-bt.txt" 2>&1 || true
  echo "----- backtraces of the hanging hub" >&2
  grep -E '^Thread|^#' "$WORK/hang-bt.txt" | head -n 200 >&2 || true
}
# Errors the hub must never log here; the ones named are the symptoms of the async path's bugs.
check_log_clean() {  # WHEN
  ! grep -q 'store could not record an attempt result' "$HUB_LOG" ||
    kh_fail "$1: results not recorded: $(grep 'could not record' "$HUB_LOG" | head -3)"
  ! grep -q 'curl loop destroyed from its own thread' "$HUB_LOG" ||
    kh_fail "$1: a runtime was released on its own I/O thread"
  ! grep -q '"msg":"reload rejected' "$HUB_LOG" || kh_fail "$1: $(grep 'reload rejected' "$HUB_LOG" | head -1)"
  ! grep -q '"level":"error"' "$HUB_LOG" || kh_fail "$1: error logged: $(grep '"level":"error"' "$HUB_LOG" | head -3)"
}
# Every delivery id the simulator received belongs to the store and vice versa; no case got more
# delivery ids at the partner than the store made for it (a duplicate under another id).
check_ids() {  # WHEN
  kh_sql "SELECT delivery_id FROM deliveries ORDER BY 1" >"$WORK/hub-ids.txt"
  kh_sql "SELECT case_id, COUNT(*) FROM deliveries GROUP BY case_id ORDER BY 1" >"$WORK/hub-cases.txt"
  $PY - "$WORK/sim-om/received.jsonl" "$WORK/hub-ids.txt" "$WORK/hub-cases.txt" <<'PY' ||
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hub = set(l.strip() for l in open(sys.argv[2]) if l.strip())
sim = set(r["delivery_id"] for r in recs)
unknown, missing = sim - hub, hub - sim
if unknown or missing:
    sys.exit(f"{len(missing)} never received (e.g. {sorted(missing)[:3]}), "
             f"{len(unknown)} unknown to the store (e.g. {sorted(unknown)[:3]})")
made = {c: int(n) for c, n in (l.strip().split("|") for l in open(sys.argv[3]) if l.strip())}
per_case = {}
for r in recs:
    per_case.setdefault(r["case_id"], set()).add(r["delivery_id"])
dup = {c: len(ids) for c, ids in per_case.items() if len(ids) != made.get(c)}
if dup:
    sys.exit(f"cases delivered under another number of delivery ids than the store made: {dict(list(dup.items())[:5])}")
PY
    kh_fail "$1: delivery ids at the partner do not match the store"
  local multi
  multi=$(kh_sql "SELECT COUNT(*) FROM (SELECT event_id FROM deliveries GROUP BY event_id HAVING COUNT(*)>1)")
  kh_assert_eq 0 "$multi" "$1: events with more than one delivery"
}

# ---- 1. 200 events in flight (8 at a time, 300 ms each) while the configuration is reloaded.
# The body's zaaknummer is the case-id property (send --count rewrites it; one per case here).
for c in $(seq "$ORDERED_CASES"); do
  $PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/case-$c.json" "CM-0344-2026-90000$c" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1])); ev["zaaknummer"] = sys.argv[3]
json.dump(ev, open(sys.argv[2], "w"))
PY
done
CASE_PREFIX=CM-0344-2026 kh_send 160 --message-id a >"$WORK/send-a.log" 2>&1 &
send_pids=($!)
for c in $(seq "$ORDERED_CASES"); do
  (
    for k in $(seq "$PER_CASE"); do
      "$BIN" send "$WORK/case-$c.json" \
        --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
        --event-type wvggz.crisismaatregel.genomen --case-id "CM-0344-2026-90000$c" \
        --actor burgemeester:0344:test --message-id "o-$c-$k" >>"$WORK/send-o$c.log" 2>&1 || exit 1
    done
  ) &
  send_pids+=($!)
done
for p in "${send_pids[@]}"; do wait "$p" || kh_fail "send failed: $(cat "$WORK"/send-*.log)"; done
grep -q "accepted=160 " "$WORK/send-a.log" || kh_fail "not all accepted: $(cat "$WORK/send-a.log")"
kh_assert_eq "$N1" "$(kh_sql "SELECT COUNT(*) FROM deliveries")" "deliveries planned"

some_delivered() { [ "$(kh_sim_lines om)" -ge 8 ]; }
kh_wait_until 20 some_delivered || kh_fail "nothing delivered: $(states)"
conc=8
for i in $(seq "$RELOADS"); do
  [ $conc -eq 8 ] && conc=4 || conc=8
  sed -i "s/^    concurrency: [0-9]*$/    concurrency: $conc/" "$WORK/routes/partners.yaml"
  grep -q "^    concurrency: $conc$" "$WORK/routes/partners.yaml" || kh_fail "could not edit partners.yaml"
  undelivered=$((N1 - $(count_state delivered)))
  in_flight=$(sim_field in_flight)
  [ "$undelivered" -gt 0 ] || kh_fail "reload $i: everything was delivered already; nothing was in flight"
  kill -HUP "$HUB_PID"
  reloaded() { [ "$(log_count '"msg":"configuration reloaded"')" -ge "$i" ]; }
  kh_wait_until 15 reloaded || { hub_alive "reload $i"; kh_fail "reload $i (concurrency $conc) not logged"; }
  hub_alive "after reload $i"
  ! grep -q '"msg":"reload rejected' "$HUB_LOG" || kh_fail "reload $i: $(grep 'reload rejected' "$HUB_LOG")"
  kh_log "reload $i: concurrency $conc ($in_flight transfers at the partner, $undelivered undelivered)"
  if [ $conc -eq 4 ]; then
    # Once the attempts of the larger cap have ended (~300 ms), at most 4 at the partner.
    kh_wait_until 5 drained || kh_fail "reload $i: the hub keeps $(hub_in_flight) in flight with concurrency 4"
    for _ in 1 2 3 4 5 6 7 8; do
      f=$(sim_field in_flight)
      [ "$f" -le 4 ] || kh_fail "reload $i: $f transfers at the partner with concurrency 4"
      sleep 0.1
    done
  else
    sleep 1
  fi
done
kh_assert_eq "$RELOADS" "$(log_count '"msg":"configuration reloaded"')" "reloads logged"
[ "$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '$1=="ketenhub_config_last_reload_successful" {print $2}')" == 1 ] ||
  kh_fail "ketenhub_config_last_reload_successful is not 1"

# ---- 2. All 200 delivered, each once, each case in order, none dead.
all1() { [ "$(count_state delivered)" -eq "$N1" ]; }
kh_wait_until 40 all1 || { hub_alive "delivering"; kh_fail "after the reloads: $(states)"; }
hub_alive "after phase 1"
kh_assert_eq 0 "$(count_state dead)" "dead deliveries"
kh_assert_eq "$N1" "$(kh_sim_unique om)" "distinct delivery ids at the partner"
kh_assert_eq "$N1" "$(kh_sim_lines om)" "requests at the partner (no repeat without a restart)"
check_ids "after the reloads"
kh_sql "SELECT d.delivery_id, e.message_id FROM deliveries d JOIN events e ON e.id=d.event_id
        WHERE e.message_id LIKE 'o-%'" >"$WORK/ordered.txt"
$PY - "$WORK/sim-om/received.jsonl" "$WORK/ordered.txt" <<'PY' || kh_fail "a case was delivered out of order"
import json, sys
msg = dict(l.strip().split("|") for l in open(sys.argv[2]) if l.strip())
seen = {}
for l in open(sys.argv[1]):
    d = json.loads(l)["delivery_id"]
    if d in msg:
        _, case, k = msg[d].split("-")
        seen.setdefault(case, []).append(int(k))
bad = {c: ks for c, ks in seen.items() if ks != sorted(ks) or len(ks) != len(set(ks))}
if len(seen) != 8 or bad:
    sys.exit(f"per-case order at the partner: {bad or seen}")
PY
peak=$(sim_field peak_concurrent)
[ "$peak" -le 8 ] || kh_fail "$peak transfers at once at the partner; the cap is 8"
check_log_clean "after the reloads"
# The runtimes replaced by the reloads are released once their last attempt ended, each with its
# I/O thread; the one loaded at start stays referenced by the run command (so 2 at most).
threads_ok() { [ "$(http_threads)" -le 2 ]; }
kh_wait_until 5 threads_ok || kh_fail "$(http_threads) kh-http-om threads after $RELOADS reloads (old runtimes not released)"
kh_log "phase 1: $N1 delivered, peak $peak at once, $(http_threads) kh-http-om thread(s), $((SECONDS - T0)) s"

# ---- 3. SIGTERM while transfers are in flight: the hub ends them, records them, exits 0.
CASE_PREFIX=CM-0344-2027 kh_send "$N2" --message-id b >"$WORK/send-b.log" 2>&1 ||
  kh_fail "send: $(cat "$WORK/send-b.log")"
grep -q "accepted=$N2 " "$WORK/send-b.log" || kh_fail "not all accepted: $(cat "$WORK/send-b.log")"
busy() { [ "$(kh_sim_lines om)" -ge $((N1 + 4)) ] && [ "$(sim_field in_flight)" -gt 0 ]; }
kh_wait_until 15 busy || kh_fail "no transfers in flight: $(states)"
before=$(kh_sim_lines om)
[ "$before" -lt $((N1 + N2)) ] || kh_fail "everything was delivered before the stop; nothing was in flight"
stop_from=$(($(wc -l <"$HUB_LOG") + 1))
t_stop=$(date +%s%N)
kill -TERM "$HUB_PID"
exited() { ! kill -0 "$HUB_PID" 2>/dev/null; }
if ! kh_wait_until "$STOP_LIMIT_S" exited; then
  backtraces "$HUB_PID"
  kh_fail "the hub did not exit within $STOP_LIMIT_S s of SIGTERM ($(states))"
fi
rc=0
wait "$HUB_PID" || rc=$?
stop_ms=$((($(date +%s%N) - t_stop) / 1000000))
kh_assert_eq 0 "$rc" "exit status after SIGTERM"
tail -n +"$stop_from" "$HUB_LOG" | grep -q '"msg":"stopped"' || kh_fail "no \"stopped\" in the log"
check_log_clean "the stop"
kh_assert_eq 0 "$(sim_field in_flight)" "transfers still open at the partner after the hub exited"
# What the partner answered is recorded delivered; nothing it received is left in_flight.
kh_sql "SELECT delivery_id FROM deliveries WHERE state='delivered' ORDER BY 1" >"$WORK/delivered-ids.txt"
$PY - "$WORK/sim-om/received.jsonl" "$WORK/delivered-ids.txt" <<'PY' || kh_fail "a transfer that ended was not recorded"
import json, sys
done = set(l.strip() for l in open(sys.argv[2]) if l.strip())
lost = sorted(set(json.loads(l)["delivery_id"] for l in open(sys.argv[1]) if l.strip()) - done)
if lost:
    sys.exit(f"{len(lost)} received by the partner but not delivered in the store: {lost[:3]}")
PY
after=$(kh_sim_lines om)
kh_log "SIGTERM with $((after - N1)) of $N2 received ($((after - before)) during the stop): exit 0 in ${stop_ms} ms; store: $(states)"

# ---- 4. Restarted on the same store: everything delivered, repeats only under the same id.
kh_start_hub
all2() { [ "$(count_state delivered)" -eq $((N1 + N2)) ]; }
kh_wait_until 30 all2 || { hub_alive "after the restart"; kh_fail "after the restart: $(states)"; }
kh_assert_eq 0 "$(count_state dead)" "dead deliveries after the restart"
kh_assert_eq $((N1 + N2)) "$(kh_sim_unique om)" "distinct delivery ids at the partner"
check_ids "after the restart"
check_log_clean "after the restart"
# Repeats (the same delivery id sent again) are allowed; check_ids rules out other ids.
repeats=$(($(kh_sim_lines om) - N1 - N2))
kh_stop_pid "$HUB_PID"
rc=0
wait "$HUB_PID" || rc=$?
kh_assert_eq 0 "$rc" "exit status of the restarted hub"
kh_log "all $((N1 + N2)) delivered, $repeats repeat(s); whole test $((SECONDS - T0)) s"
kh_pass
