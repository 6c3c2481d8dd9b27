#!/usr/bin/env bash
# A partner down for hours while events keep coming: does the hub stay flat?
# Two partners: `om` is down (nothing listens on its port: connect refused), `igj` is up. Every
# crisis-measure event plans one delivery to each. Events arrive at a steady RATE until BACKLOG
# deliveries to `om` wait; then om's simulator starts and the backlog drains.
# Prints, against the backlog size: the hub's resident set (sampled every second), the intake rate
# (from the store's receipt times), igj's intake-to-delivered latency (is the partner that is up
# slowed down?), the slowest /metrics scrape (one every SCRAPE seconds: the store's gauges);
# the hub's CPU per thread role during the pile-up; then the drain rate against the normal rate
# (measured first, both partners up, N0 events as fast as the hub takes them), whether every
# case's deliveries left in order (each case gets two events), and the store's size per 1,000
# deliveries.
# Usage: bash bench/backlog.sh [BACKLOG, default 1000000] (env: RATE events/s, default 1000;
#        SCRAPE seconds between scrapes, default 1, 0: none; BUILD_DIR, default build-bench;
#        KETENHUB_BIN to use a built binary). Needs about BACKLOG / RATE seconds plus the drain.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BACKLOG="${1:-1000000}"
RATE="${RATE:-1000}"
bash deploy/install-deps.sh
if [ -n "${KETENHUB_BIN:-}" ]; then
  BIN="$KETENHUB_BIN"  # a binary built elsewhere (say which build type in the figures)
else
  BUILD="${BUILD_DIR:-$ROOT/build-bench}"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target ketenhub >/dev/null
  BIN="$BUILD/ketenhub"
fi
source bench/lib.sh
bench_workdir backlog

bash deploy/pki/make-test-pki.sh "$W/pki" --sign-key rsa2048 >/dev/null
sim() {  # partner port
  "$BIN" partner-sim --listen "127.0.0.1:$2" --partner "$1" \
    --cert "$W/pki/partner-$1.crt" --key "$W/pki/partner-$1.key" --ca "$W/pki/ca.crt" \
    --no-verify-signature --quiet >"$W/sim-$1.log" 2>&1 &
  PIDS+=($!)
}
OM_PORT=$(port)
IGJ_PORT=$(port)
AMQP_PORT=$(port)
ADMIN_PORT=$(port)
sim igj "$IGJ_PORT"
mkdir -p "$W/routes"
cat >"$W/hub.yaml" <<YAML
hub: {name: ketenhub-backlog, oin: "00000099000000000001"}
intake:
  credit_window: 1000
  listen: [{name: local, url: "amqp://127.0.0.1:$AMQP_PORT", address: wvggz.events}]
store: {sqlite: hub.db, group_commit_max: 2000}
signing: {key: pki/hub-sign.key, certificate: pki/hub-sign.crt}
admin: {listen: "127.0.0.1:$ADMIN_PORT"}
retention: {payload_days: 30}
paths: {routes: routes, mappings: $ROOT/mappings, schemas: $ROOT/schemas}
YAML
partner() {  # code port
  cat <<YAML
  $1:
    name: partner $1
    adapter: rest-xml
    endpoint: https://localhost:$2/$1
    tls: {ca: [pki/ca.crt], client_certificate: pki/hub-client.crt, client_key: pki/hub-client.key}
    concurrency: 32
    circuit_breaker: {failures: 5, open_for: 10s}
YAML
}
{ echo "partners:"; partner om "$OM_PORT"; partner igj "$IGJ_PORT"; } >"$W/routes/partners.yaml"
# A deadline far beyond the run: the backlog waits on the coupling, no fallback kicks in.
cat >"$W/routes/bench.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - {partner: om, product: kennisgeving-crisismaatregel, deadline: 14d, retry: {initial: 1s, factor: 2, max: 1m}}
      - {partner: igj, product: melding-crisismaatregel, deadline: 14d}
YAML
"$BIN" run --config "$W/hub.yaml" >"$W/hub.log" 2>&1 &
HUB=$!
PIDS+=($HUB)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null && break; sleep 0.1; done
kill -0 "$HUB" 2>/dev/null || { echo "backlog: the hub did not start" >&2; tail -5 "$W/hub.log" >&2; exit 1; }
sql() { sqlite3 -cmd ".timeout 30000" "$W/hub.db" "$@"; }
# Events received so far, from the store (MAX(id): an index lookup).
received() { sql "SELECT COALESCE(MAX(id), 0) FROM events"; }
# A /metrics scrape every SCRAPE seconds (default 1; Prometheus scrapes every 15-60 s): the store's
# gauges are read at each one, so a scrape is part of the load; its duration in ms (0: none).
SCRAPE="${SCRAPE:-1}"
scrape_ms() {
  curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$ADMIN_PORT/metrics" |
    awk '{ printf "%d", $1 * 1000 }'
}
# CPU seconds per thread role (threads are named kh-<role>[-N]), one "role seconds" a line.
roles_cpu() {
  for t in /proc/"$HUB"/task/*; do
    awk -v hz="$(getconf CLK_TCK)" '{sub(/^[0-9]+ \(/, ""); n=$0; sub(/\).*/, "", n);
      sub(/^.*\) /, ""); print n, ($12 + $13) / hz}' "$t/stat"
  done | awk '{r=$1; sub(/-[0-9]+$/, "", r); c[r] += $2} END {for (r in c) print r, c[r]}' | sort
}

# Every second: seconds, events received, VmRSS kB, scrape ms.
(
  t0=$(date +%s)
  n=0
  while kill -0 "$HUB" 2>/dev/null; do
    ms=0
    if [ "$SCRAPE" -gt 0 ] && [ $((n % SCRAPE)) -eq 0 ]; then ms=$(scrape_ms); fi
    echo "$(($(date +%s) - t0)) $(received) $(awk '/VmRSS/ {print $2}' "/proc/$HUB/status") $ms"
    n=$((n + 1))
    sleep 1
  done
) >"$W/samples.txt" 2>/dev/null &
PIDS+=($!)

EVENT="$ROOT/examples/events/wvggz.crisismaatregel.genomen.json"
# The normal delivery rate first: N0 events as fast as the hub takes them, both partners up.
N0="${N0:-10000}"
sim om "$OM_PORT"
OM_SIM=$!
echo "backlog: the normal rate: $N0 events with both partners up ..."
"$BIN" send "$EVENT" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --actor bench:0344:load --case-id CM-0344-2028 \
  --count "$N0" --window 1000 >>"$W/send.log" 2>&1
for _ in $(seq 600); do
  [ "$(sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -ge $((2 * N0)) ] && break
  sleep 1
done
IFS="|" read -r T0 T1 <<<"$(sql "SELECT MIN(e.received_at), MAX(d.final_at) FROM deliveries d JOIN events e ON e.id = d.event_id")"
NORMAL_RATE=$(awk -v n="$((2 * N0))" -v ms="$((T1 - T0))" 'BEGIN { printf "%d", n * 1000 / (ms > 0 ? ms : 1) }')
FIRST_ID=$(sql "SELECT MAX(id) FROM events")
kill -TERM "$OM_SIM"
wait "$OM_SIM" 2>/dev/null || true
echo "backlog: normal rate $NORMAL_RATE deliveries/s; om goes down"
echo "backlog: $BACKLOG events at $RATE/s with om down (about $((BACKLOG / RATE)) s) ..."
roles_cpu >"$W/cpu0.txt"
# Two rounds over the same cases (case ids CM-0344-2029-000001...): every case gets two events, so
# the drain shows whether a case's deliveries still leave in order.
for round in 1 2; do
  "$BIN" send "$EVENT" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --actor bench:0344:load --case-id CM-0344-2029 \
    --count "$((BACKLOG / 2))" --rate "$RATE" --window 1000 >>"$W/send.log" 2>&1
done
roles_cpu >"$W/cpu1.txt"
# The pile-up's peak RSS from its 10th second on: until then the memory the normal phase used at
# full speed is still resident (jemalloc returns freed pages after 10 s, its dirty-page decay).
# Its first seconds too, for comparison.
RSS_PILEUP=$(awk -v n="$((N0 + 10 * RATE))" '$2 > n && $3 > m {m = $3} END {print m + 0}' \
  "$W/samples.txt")
RSS_PILEUP_ALL=$(awk -v n0="$N0" '$2 > n0 && $3 > m {m = $3} END {print m + 0}' "$W/samples.txt")
# Where the hub's CPU went during the pile-up, per 1,000 events.
CPU_PILEUP=$(join "$W/cpu0.txt" "$W/cpu1.txt" |
  awk -v n="$BACKLOG" '{printf "%s %.2f, ", $1, ($3 - $2) * 1000 / n}' | sed 's/, $//')
igj_done() { [ "$(sql "SELECT COUNT(*) FROM deliveries WHERE partner='igj' AND state='delivered'")" -ge $((BACKLOG + N0)) ]; }
for _ in $(seq 600); do igj_done && break; sleep 1; done
WAITING=$(sql "SELECT COUNT(*) FROM deliveries WHERE partner='om' AND state NOT IN ('delivered','dead')")
DB_BYTES=$(($(stat -c %s "$W/hub.db") + $(stat -c %s "$W/hub.db-wal" 2>/dev/null || echo 0)))

# Intake rate and igj's latency around each backlog size: the 5,000 events before it.
echo
echo "backlog: om waiting $WAITING; peak RSS during the pile-up $((RSS_PILEUP / 1024)) MB" \
  "($((RSS_PILEUP_ALL / 1024)) MB with its first 10 s)"
echo "backlog: hub CPU seconds per 1,000 events during the pile-up, by thread: $CPU_PILEUP"
printf 'backlog: %10s %12s %14s %14s %10s %14s\n' backlog "intake/s" "igj p50 ms" "igj p99 ms" "RSS MB" \
  "scrape ms max"
for k in 5000 $((BACKLOG / 4)) $((BACKLOG / 2)) $((BACKLOG * 3 / 4)) "$BACKLOG"; do
  lo=$((k - 5000))
  IFS="|" read -r t_lo t_hi <<<"$(sql "SELECT MIN(received_at), MAX(received_at) FROM (SELECT received_at FROM events WHERE id > $FIRST_ID ORDER BY id LIMIT 5000 OFFSET $lo)")"
  rate=$(awk -v ms="$((t_hi - t_lo))" 'BEGIN { printf "%d", 5000 * 1000 / (ms > 0 ? ms : 1) }')
  sql "SELECT d.final_at - e.received_at FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.partner = 'igj'
         AND e.id IN (SELECT id FROM events WHERE id > $FIRST_ID ORDER BY id LIMIT 5000 OFFSET $lo)
       ORDER BY 1" >"$W/lat.txt"
  pct() { awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i]}' "$W/lat.txt"; }
  rss=$(awk -v k="$((k + N0))" '$2 >= k {print int($3 / 1024); exit}' "$W/samples.txt")
  # The slowest scrape while those 5,000 events came in.
  scrape=$(awk -v lo="$((lo + N0))" -v hi="$((k + N0))" '$2 >= lo && $2 <= hi && $4 > m {m = $4}
    END {print m + 0}' "$W/samples.txt")
  printf 'backlog: %10d %12d %14s %14s %10s %14s\n' "$k" "$rate" "$(pct 0.5)" "$(pct 0.99)" \
    "${rss:-?}" "$scrape"
done

echo "backlog: om comes back; draining $WAITING deliveries ..."
START_MS=$(($(date +%s%N) / 1000000))
sim om "$OM_PORT"
om_done() { [ "$(sql "SELECT COUNT(*) FROM deliveries WHERE partner='om' AND state='delivered'")" -ge $((BACKLOG + N0)) ]; }
for _ in $(seq 7200); do om_done && break; sleep 1; done
om_done || echo "backlog: the backlog did not drain within 2 hours" >&2
END_MS=$(sql "SELECT MAX(final_at) FROM deliveries WHERE partner='om'")
DRAIN_RATE=$(awk -v n="$WAITING" -v ms="$((END_MS - START_MS))" 'BEGIN { printf "%d", n * 1000 / (ms > 0 ? ms : 1) }')
RSS_PEAK=$(awk '/VmHWM/ {print $2}' "/proc/$HUB/status")
# Per-case order: a case's om deliveries were finished in the order of its events.
OUT_OF_ORDER=$(sql "SELECT COUNT(*) FROM (SELECT d.case_id, d.final_at, e.id,
  LAG(d.final_at) OVER (PARTITION BY d.case_id ORDER BY e.id) AS prev
  FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.partner = 'om') WHERE final_at < prev")

echo "backlog: drained $WAITING om deliveries at $DRAIN_RATE/s: $(awk -v a="$DRAIN_RATE" -v b="$NORMAL_RATE" 'BEGIN { printf "%.0f", 100 * a / (b > 0 ? b : 1) }') % of the normal rate ($NORMAL_RATE/s; target >= 90 %)"
echo "backlog: per-case order violations: $OUT_OF_ORDER"
echo "backlog: store $((DB_BYTES / 1048576)) MB for $(((BACKLOG + N0) * 2)) deliveries: $((DB_BYTES / ((BACKLOG + N0) * 2 / 1000))) bytes per 1,000 deliveries"
echo "backlog: hub peak RSS $((RSS_PEAK / 1024)) MB overall, $((RSS_PILEUP / 1024)) MB during the pile-up from its 10th second (target <= 64 MB + 10 %; $((RSS_PILEUP_ALL / 1024)) MB with its first 10 s)"
[ -n "${SAMPLES_OUT:-}" ] && cp "$W/samples.txt" "$SAMPLES_OUT"  # seconds, events, RSS kB, scrape ms
echo "backlog: backlog=$BACKLOG rate=$RATE rss_pileup_mb=$((RSS_PILEUP / 1024)) drain_per_s=$DRAIN_RATE normal_per_s=$NORMAL_RATE order_violations=$OUT_OF_ORDER db_bytes_per_1000=$((DB_BYTES / ((BACKLOG + N0) * 2 / 1000)))"
