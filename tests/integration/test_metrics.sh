#!/usr/bin/env bash
# /metrics is something operators can trust: a real scrape passes `promtool check metrics`; right
# after start every series of the configuration is there at 0 (so increase() sees the first
# quarantine or dead delivery), with a HELP text of its own; attempts and finished deliveries are
# counted apart (a partner that fails twice then accepts: 3 attempts, 1 finished); the store
# gauge covers every state, dead included; the process, build, store and reload figures are
# there; and the deprecated ketenhub_deliveries_total still counts as it did.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null || kh_fail "promtool not installed (Debian package prometheus)"
scrape() { curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" >"$WORK/$1.prom" || kh_fail "scrape $1"; }
value() {  # FILE SERIES (as printed, with labels): its value, or empty
  awk -v n="$2" '$1==n {print $2}' "$WORK/$1.prom"
}
expect() {  # FILE SERIES VALUE
  local got
  got=$(value "$1" "$2")
  [ "$got" == "$3" ] || kh_fail "$1: $2 is '$got', expected '$3'"
}
wait_value() {  # SECONDS SERIES VALUE: until a fresh scrape shows it
  local end=$((SECONDS + $1))
  while :; do
    scrape wait
    [ "$(value wait "$2")" != "$3" ] || return 0
    [ $SECONDS -lt $end ] || kh_fail "$2 is '$(value wait "$2")' after $1 s, expected '$3'"
    sleep 0.2
  done
}
promcheck() {  # FILE: promtool's parser and linter on a real scrape
  promtool check metrics <"$WORK/$1.prom" >"$WORK/promtool-$1.log" 2>&1 ||
    kh_fail "promtool check metrics ($1): $(cat "$WORK/promtool-$1.log")"
}

kh_pki
kh_start_sim om om --fail-first 2
RETRY_INITIAL=100ms RETRY_MAX=200ms kh_config "$SIM_PORT_om"
kh_start_hub
ET=wvggz.crisismaatregel.genomen
OM='partner="om",channel="rest-xml"'

# ---- 1. Right after start: every series at 0, HELP for each family, valid exposition.
scrape start
promcheck start
for o in delivered transient_error permanent_error; do
  expect start "ketenhub_delivery_attempts_total{$OM,outcome=\"$o\"}" 0
done
for s in delivered dead; do
  expect start "ketenhub_deliveries_finished_total{$OM,state=\"$s\"}" 0
done
expect start "ketenhub_delivery_fallbacks_total{$OM}" 0
for o in accepted duplicate quarantined; do
  expect start "ketenhub_events_received_total{event_type=\"$ET\",outcome=\"$o\"}" 0
done
for s in pending in_flight retry_wait fallback delivered dead; do
  expect start "ketenhub_deliveries{partner=\"om\",state=\"$s\"}" 0
done
for s in pending in_flight retry_wait fallback; do
  expect start "ketenhub_deliveries_pending{partner=\"om\",state=\"$s\"}" 0
done
for g in oldest_pending_age_seconds deliveries_past_half_legal_deadline \
  deliveries_dead_within_legal_deadline circuit_open; do
  expect start "ketenhub_$g{partner=\"om\"}" 0
done
expect start "ketenhub_delivery_latency_seconds_count{partner=\"om\"}" 0
expect start "ketenhub_delivery_attempt_seconds_count{$OM}" 0
expect start ketenhub_ready 1
expect start 'ketenhub_intake_connected{source="local"}' 1
expect start ketenhub_config_last_reload_successful 1
grep -Eq '^ketenhub_build_info\{version="[0-9]+\.[0-9]+\.[0-9]+",commit="([0-9a-f]{7,40}|unknown)"\} 1$' \
  "$WORK/start.prom" || kh_fail "build info: $(grep build_info "$WORK/start.prom")"
started=$(value start ketenhub_config_last_reload_success_timestamp_seconds)
now=$(date +%s)
[ "$started" -gt $((now - 120)) ] && [ "$started" -le "$now" ] || kh_fail "reload timestamp '$started' (now $now)"
db_bytes=$(($(stat -c %s "$WORK/ketenhub.db") + $(stat -c %s "$WORK/ketenhub.db-wal" 2>/dev/null || echo 0)))
[ "$(value start ketenhub_store_bytes)" -gt 0 ] || kh_fail "store bytes: $(value start ketenhub_store_bytes)"
kh_log "store bytes: metric $(value start ketenhub_store_bytes), files $db_bytes"
# The process figures, from /proc of the hub itself.
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$HUB_PID/status")
rss=$(value start process_resident_memory_bytes)
[ "$rss" -gt $((rss_kb * 1024 / 2)) ] && [ "$rss" -lt $((rss_kb * 1024 * 2)) ] ||
  kh_fail "process_resident_memory_bytes $rss, VmRSS ${rss_kb} kB"
fds=$(find "/proc/$HUB_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
[ "$(value start process_open_fds)" -ge $((fds - 5)) ] || kh_fail "open fds $(value start process_open_fds) vs $fds"
[ "$(value start process_max_fds)" -eq "$(awk '/Max open files/ {print $4}' "/proc/$HUB_PID/limits")" ] ||
  kh_fail "max fds $(value start process_max_fds)"
start_s=$(value start process_start_time_seconds)
[ "${start_s%.*}" -gt $((now - 300)) ] && [ "${start_s%.*}" -le "$now" ] || kh_fail "start time $start_s (now $now)"
for m in process_cpu_seconds_total process_virtual_memory_bytes; do
  [ -n "$(value start $m)" ] || kh_fail "no $m"
done
# Every family has a HELP of its own; the replaced one says so.
! grep -q '^# HELP [a-z_]* ketenhub metric' "$WORK/start.prom" || kh_fail "generic HELP: $(grep 'ketenhub metric' "$WORK/start.prom")"
families=$(grep -c '^# TYPE ' "$WORK/start.prom")
helps=$(grep -c '^# HELP ' "$WORK/start.prom")
kh_assert_eq "$families" "$helps" "HELP per family"
kh_log "$families families at start"

# ---- 2. Fails twice, then accepts: 3 attempts, 1 finished delivery.
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
wait_value 30 "ketenhub_deliveries_finished_total{$OM,state=\"delivered\"}" 1
scrape delivered
promcheck delivered
expect delivered "ketenhub_delivery_attempts_total{$OM,outcome=\"transient_error\"}" 2
expect delivered "ketenhub_delivery_attempts_total{$OM,outcome=\"delivered\"}" 1
expect delivered "ketenhub_deliveries_finished_total{$OM,state=\"dead\"}" 0
expect delivered "ketenhub_events_received_total{event_type=\"$ET\",outcome=\"accepted\"}" 1
expect delivered 'ketenhub_deliveries{partner="om",state="delivered"}' 1
expect delivered "ketenhub_delivery_latency_seconds_count{partner=\"om\"}" 1
expect delivered "ketenhub_delivery_attempt_seconds_count{$OM}" 3
# The deprecated counter, unchanged: its attempt outcomes.
expect delivered "ketenhub_deliveries_total{$OM,outcome=\"transient_error\"}" 2
expect delivered "ketenhub_deliveries_total{$OM,outcome=\"delivered\"}" 1
grep -q '^# HELP ketenhub_deliveries_total DEPRECATED.*ketenhub_delivery_attempts_total' "$WORK/delivered.prom" ||
  kh_fail "deprecated HELP: $(grep '^# HELP ketenhub_deliveries_total' "$WORK/delivered.prom")"
[ "$(value delivered ketenhub_store_commit_seconds_count)" -gt 0 ] || kh_fail "no store commit observed"

# ---- 3. A quarantined event moves its series from 0 to 1.
printf 'this is { not json' >"$WORK/not.json"
"$BIN" send "$WORK/not.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type "$ET" --case-id CM-0344-2026-000124 --actor burgemeester:0344:test \
  --message-id bad-1 >>"$WORK/send.log" 2>&1 || kh_fail "send of the bad event"
wait_value 20 "ketenhub_events_received_total{event_type=\"$ET\",outcome=\"quarantined\"}" 1

# ---- 4. A partner answering 400: dead, one attempt, one finish; the store gauge shows it.
kh_stop_pid "$SIM_PID_om"
SIM_LISTEN_PORT=$SIM_PORT_om kh_start_sim om om --status 400
CASE_PREFIX=CM-0344-2026-9 kh_send 1 --message-id dead-1 >>"$WORK/send.log" 2>&1 || kh_fail "send"
wait_value 30 'ketenhub_deliveries{partner="om",state="dead"}' 1
scrape dead
promcheck dead
expect dead "ketenhub_delivery_attempts_total{$OM,outcome=\"permanent_error\"}" 1
expect dead "ketenhub_deliveries_finished_total{$OM,state=\"dead\"}" 1
expect dead "ketenhub_deliveries_finished_total{$OM,state=\"delivered\"}" 1
expect dead 'ketenhub_deliveries{partner="om",state="delivered"}' 1
# Attempts: 2 + 1 + 1; finished: one per delivery. The old counter adds an extra "dead".
att=$(grep "^ketenhub_delivery_attempts_total{$OM," "$WORK/dead.prom" | awk '{s+=$2} END {print s}')
fin=$(grep "^ketenhub_deliveries_finished_total{$OM," "$WORK/dead.prom" | awk '{s+=$2} END {print s}')
old=$(grep "^ketenhub_deliveries_total{$OM," "$WORK/dead.prom" | awk '{s+=$2} END {print s}')
kh_assert_eq "4 2 5" "$att $fin $old" "attempts, finished, deprecated total"

# ---- 5. A refused reload shows, and so does the next good one.
cp "$WORK/routes/wvggz.yaml" "$WORK/wvggz.yaml.good"
echo "routes: [ {event_type: " >"$WORK/routes/wvggz.yaml"
kill -HUP "$HUB_PID"
wait_value 20 ketenhub_config_last_reload_successful 0
expect wait ketenhub_config_last_reload_success_timestamp_seconds "$started"
cp "$WORK/wvggz.yaml.good" "$WORK/routes/wvggz.yaml"
sleep 1
kill -HUP "$HUB_PID"
wait_value 20 ketenhub_config_last_reload_successful 1
[ "$(value wait ketenhub_config_last_reload_success_timestamp_seconds)" -gt "$started" ] ||
  kh_fail "reload timestamp did not move: $(value wait ketenhub_config_last_reload_success_timestamp_seconds)"
# The counters survive a reload (declaring again adds nothing).
expect wait "ketenhub_delivery_attempts_total{$OM,outcome=\"transient_error\"}" 2
promcheck wait

# ---- 6. Exact numbers: no sample value in exponent notation, counters as integers.
! grep -v '^#' "$WORK/wait.prom" | awk '{print $NF}' | grep -q 'e[+-]' ||
  kh_fail "exponent notation: $(grep -v '^#' "$WORK/wait.prom" | grep 'e[+-][0-9]*$' | head -3)"
grep -E '^ketenhub_[a-z_]+_total(\{[^}]*\})? ' "$WORK/wait.prom" | awk '$NF !~ /^[0-9]+$/' | grep . &&
  kh_fail "a counter that is not an integer"
kh_pass
