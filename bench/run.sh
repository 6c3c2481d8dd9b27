#!/usr/bin/env bash
# Throughput, latency and memory of the whole pipeline on loopback: ketenhub send -> AMQP listen ->
# SQLite -> XSLT -> XSD -> XML-DSig (RSA-2048) -> HTTPS mutual TLS -> partner-sim.
# Phase 1 pushes N events as fast as the hub takes them (throughput); phase 2 sends at half that
# rate (latency at half of peak load). Prints figures next to `openssl speed rsa2048` (one process)
# measured in the same run. Last line is machine-readable.
# Usage: bash bench/run.sh [N]   (env: VERIFY=1 to let partner-sim check signatures too;
#        BUILD_DIR=dir to build elsewhere than build-bench/; PERF_HUB=file to record a perf
#        profile of the hub during phase 1; STORE=postgres for a private PostgreSQL 15 server
#        in the work dir instead of SQLite, with production durability, its CPU counted too)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-20000}"
STORE="${STORE:-sqlite}"
case "$STORE" in
  sqlite | postgres) ;;
  *) echo "bench: STORE must be sqlite or postgres, not '$STORE'" >&2; exit 2 ;;
esac
bash deploy/install-deps.sh
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target ketenhub stage_bench >/dev/null
BIN="$BUILD/ketenhub"
source bench/lib.sh
bench_workdir bench
if [ "$STORE" = postgres ]; then
  # The integration tests' private server (initdb in $W/pg, 127.0.0.1 and a free port). Its EXIT
  # trap stops the server, then runs bench_cleanup. The tests run it with fsync off: the benchmark
  # runs it as production does (fsync, full-page writes, synchronous commit, PostgreSQL's default
  # shared_buffers), so each commit of the hub waits for its WAL flush as on SQLite.
  source tests/integration/pg_lib.sh
  PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=128MB"
  pg_start "$W/pg"
  # LOCALE 'C', as docs/configuration.md asks of a production database (text sorts byte-wise).
  pg_psql postgres -c "CREATE DATABASE ketenhub TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'" >/dev/null
  PG_SETTINGS=$(pg_psql ketenhub -F' ' -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name)
    FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','wal_sync_method',
    'shared_buffers')")
fi

bash deploy/pki/make-test-pki.sh "$W/pki" --sign-key rsa2048 >/dev/null
# The machine's speed drifts (shared host): the signing limit is measured right before and right
# after phase 1 and the mean is the figure the ratio uses.
openssl_speed() { openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print int($6)}'; }
STAGES=$("$BUILD/stage_bench" "$W/pki/hub-sign.key" "$W/pki/hub-sign.crt" 1000)

SIM_ARGS=(--no-verify-signature --quiet)
SIM_NOTE="partner-sim signature and schema checks OFF and nothing stored (throughput run; the tests check signatures)"
if [ "${VERIFY:-0}" = 1 ]; then
  SIM_ARGS=(--verify-ca "$W/pki/ca.crt" --schemas "$ROOT/schemas" --out "$W/received" --quiet)
  SIM_NOTE="partner-sim verifies every signature and schema (competes for the same 2 cores)"
fi
mkdir -p "$W/received"
"$BIN" partner-sim --listen 127.0.0.1:0 --port-file "$W/sim.port" --partner om \
  --cert "$W/pki/partner-om.crt" --key "$W/pki/partner-om.key" --ca "$W/pki/ca.crt" \
  "${SIM_ARGS[@]}" >"$W/sim.log" 2>&1 &
SIM=$!
PIDS+=($SIM)
for _ in $(seq 100); do [ -s "$W/sim.port" ] && break; sleep 0.1; done
SIM_PORT=$(cat "$W/sim.port")
AMQP_PORT=$(port)
ADMIN_PORT=$(port)
mkdir -p "$W/routes"
cat >"$W/hub.yaml" <<YAML
hub: {name: ketenhub-bench, oin: "00000099000000000001"}
intake:
  credit_window: ${CREDIT:-200}
  listen: [{name: local, url: "amqp://127.0.0.1:$AMQP_PORT", address: wvggz.events}]
$(if [ "$STORE" = postgres ]; then
  printf '%s\n' "store:" "  postgres:" \
    "    conninfo: \"host=127.0.0.1 port=$PG_PORT dbname=ketenhub user=ketenhub_admin\"" \
    "    password_file: $PG_PASSWORD_FILE" "  group_commit_max: ${GROUP_COMMIT:-512}" \
    "audit: {dir: audit, key_file: audit-person.key}"
else
  echo "store: {sqlite: hub.db, group_commit_max: ${GROUP_COMMIT:-512}}"
fi)
signing: {key: pki/hub-sign.key, certificate: pki/hub-sign.crt}
admin: {listen: "127.0.0.1:$ADMIN_PORT"}
engine: {workers: ${WORKERS:-16}, build_workers: ${BUILD_WORKERS:-0}}
paths: {routes: routes, mappings: $ROOT/mappings, schemas: $ROOT/schemas}
YAML
cat >"$W/routes/partners.yaml" <<YAML
partners:
  om:
    name: Openbaar Ministerie
    adapter: rest-xml
    endpoint: https://localhost:$SIM_PORT/om
    tls: {ca: [pki/ca.crt], client_certificate: pki/hub-client.crt, client_key: pki/hub-client.key}
    concurrency: ${CONCURRENCY:-32}
YAML
# One product per event (the OM's notice, rest-xml), so figures compare with a single signing key.
cat >"$W/routes/bench.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - {partner: om, product: kennisgeving-crisismaatregel, deadline: 30m}
YAML
LD_PRELOAD="${HUB_PRELOAD:-}" "$BIN" run --config "$W/hub.yaml" >"$W/hub.log" 2>&1 &
HUB=$!
PIDS+=($HUB)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null && break; sleep 0.1; done
kill -0 "$HUB" 2>/dev/null || { echo "bench: the hub did not start:" >&2; tail -5 "$W/hub.log" >&2; exit 1; }
if [ "$STORE" = postgres ]; then
  # Over the Unix socket (trust): no TCP, no SCRAM exchange in the server's CPU for each poll.
  sql() { "$PG_BIN/psql" "host=$PG_DIR/sock port=$PG_PORT user=ketenhub_admin dbname=ketenhub" \
    -X -qAt -v ON_ERROR_STOP=1 -c "$@"; }
else
  sql() { sqlite3 -cmd ".timeout 10000" "$W/hub.db" "$@"; }
fi
# Polls once a second: the figures come from the timestamps in the store, not from this loop, and
# a sqlite3 process ten times a second took ~3 % of the 2 cores away from the hub. On PostgreSQL
# the count comes from delivery_counts (a few rows), not from a scan of the deliveries in the
# server whose CPU is measured.
FINAL_COUNT="SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')"
[ "$STORE" = sqlite ] ||
  FINAL_COUNT="SELECT COALESCE(SUM(n),0) FROM delivery_counts WHERE state IN ('delivered','dead')"
wait_final() {  # total
  for _ in $(seq 900); do
    [ "$(sql "$FINAL_COUNT")" -ge "$1" ] && return 0
    sleep 1
  done
  echo "bench: timed out waiting for deliveries" >&2
  return 1
}
EVENT="$ROOT/examples/events/wvggz.crisismaatregel.genomen.json"
send() {
  "$BIN" send "$EVENT" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --actor bench:0344:load "$@"
}

echo "bench: measuring openssl speed rsa2048 (one process) before phase 1 ..."
SIGN_BEFORE=$(openssl_speed)
echo "bench: phase 1: $N events as fast as the hub accepts them ..."
if [ -n "${PERF_HUB:-}" ]; then  # profile the hub during phase 1: perf report -i "$PERF_HUB"
  perf record -q -F 250 --call-graph dwarf,32768 -e cpu-clock -p "$HUB" -o "$PERF_HUB" 2>/dev/null &
  PERF_PID=$!
fi
TIMEFORMAT="%U %S"
[ "$STORE" = sqlite ] || PG_CPU_BEFORE1=$(pg_cpu_s)
SEND_CPU=$({ time send --case-id CM-0344-2027 --count "$N" --window 2000 >"$W/send1.log" 2>&1; } 2>&1 |
  awk '{printf "%.1f", $1 + $2}')
wait_final "$N"
if [ -n "${PERF_HUB:-}" ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
IFS="|" read -r T0 T1 <<<"$(sql "SELECT MIN(e.received_at), MAX(d.final_at) FROM deliveries d JOIN events e ON e.id=d.event_id")"
DPS=$(awk -v n="$N" -v ms="$((T1 - T0))" 'BEGIN { printf "%d", n * 1000 / (ms > 0 ? ms : 1) }')
DEAD=$(sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")
HUB_CPU=$(cpu_s "$HUB")
[ "$STORE" = sqlite ] || PG_CPU1=$(awk -v a="$PG_CPU_BEFORE1" -v b="$(pg_cpu_s)" 'BEGIN { printf "%.2f", b - a }')
echo "bench: measuring openssl speed rsa2048 (one process) after phase 1 ..."
SIGN_AFTER=$(openssl_speed)
SIGN_PER_S=$(((SIGN_BEFORE + SIGN_AFTER) / 2))
HUB_CSW=$(cat /proc/"$HUB"/task/*/status | awk '/ctxt_switches/ {n += $2} END {print n}')
SIM_CPU=$(cpu_s "$SIM")
HUB_US_PER_DELIVERY=$(awk -v c="$HUB_CPU" -v n="$N" 'BEGIN { printf "%d", c * 1e6 / n }')
# CPU seconds per thread role (threads are named kh-<role>[-N]).
HUB_ROLES=$(for t in /proc/"$HUB"/task/*; do
  awk -v hz="$(getconf CLK_TCK)" '{sub(/^[0-9]+ \(/, ""); n=$0; sub(/\).*/, "", n); sub(/^.*\) /, "");
    print n, ($12 + $13) / hz}' "$t/stat"
done | awk '{r=$1; sub(/-[0-9]+$/, "", r); c[r] += $2} END {for (r in c) printf "%s %.1f, ", r, c[r]}' | sed 's/, $//')

HALF=$((DPS / 2))
[ "$HALF" -ge 1 ] || HALF=1
N2=$((HALF * 10))
echo "bench: phase 2: $N2 events at $HALF/s (half of peak) for latency ..."
HUB_CPU_BEFORE2=$(cpu_s "$HUB")
[ "$STORE" = sqlite ] || PG_CPU_BEFORE2=$(pg_cpu_s)
send --case-id CM-0344-2028 --count "$N2" --rate "$HALF" --window 2000 >"$W/send2.log"
wait_final "$((N + N2))"
# The hub's CPU per delivery at half load: the steady state a hub mostly runs in (small batches:
# a commit, a claim and a credit grant cover fewer events than at full speed).
HUB_US_PER_DELIVERY2=$(awk -v a="$HUB_CPU_BEFORE2" -v b="$(cpu_s "$HUB")" -v n="$N2" \
  'BEGIN { printf "%d", (b - a) * 1e6 / n }')
[ "$STORE" = sqlite ] || PG_US_PER_DELIVERY2=$(awk -v a="$PG_CPU_BEFORE2" -v b="$(pg_cpu_s)" \
  -v n="$N2" 'BEGIN { printf "%d", (b - a) * 1e6 / n }')
sql "SELECT d.final_at - e.received_at FROM deliveries d JOIN events e ON e.id=d.event_id
     WHERE d.case_id LIKE 'CM-0344-2028-%' ORDER BY 1" >"$W/lat.txt"
pct() { awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i]}' "$W/lat.txt"; }
P50=$(pct 0.50)
P99=$(pct 0.99)
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$HUB/status")
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
RATIO=$(awk -v a="$DPS" -v b="$SIGN_PER_S" 'BEGIN { printf "%.2f", a / b }')

echo
echo "bench: $SIM_NOTE"
echo "bench: signing key RSA-2048; hub build workers=${BUILD_WORKERS:-0} (0: one per core), send workers=${WORKERS:-16}, partner concurrency=${CONCURRENCY:-32}; $(nproc) cores"
echo "bench: phase 1: $N events, $DPS deliveries/s end to end (dead: $DEAD); CPU seconds: hub $HUB_CPU, partner-sim $SIM_CPU, sender $SEND_CPU; hub context switches per delivery $((HUB_CSW / N))"
echo "bench: hub CPU seconds by thread: $HUB_ROLES"
echo "bench: openssl speed rsa2048 (one process): $SIGN_PER_S signatures/s (before $SIGN_BEFORE, after $SIGN_AFTER) -> ratio $RATIO (target >= 1.0)"
echo "bench: hub CPU per delivery ${HUB_US_PER_DELIVERY} us = $(awk -v u="$HUB_US_PER_DELIVERY" -v s="$SIGN_PER_S" 'BEGIN { printf "%.2f", u * s / 1e6 }') x one openssl signature (target <= 1.5)"
echo "$STAGES" | sed 's/^/bench: /'
echo "bench: phase 2 at $HALF/s: intake-to-delivered p50 ${P50} ms, p99 ${P99} ms (target p99 <= 50 ms); hub CPU per delivery ${HUB_US_PER_DELIVERY2} us = $(awk -v u="$HUB_US_PER_DELIVERY2" -v s="$SIGN_PER_S" 'BEGIN { printf "%.2f", u * s / 1e6 }') x one openssl signature (target <= 1.5)"
if [ "$STORE" = postgres ]; then
  sig() { awk -v u="$1" -v s="$SIGN_PER_S" 'BEGIN { printf "%.2f", u * s / 1e6 }'; }
  PG_US1=$(awk -v c="$PG_CPU1" -v n="$N" 'BEGIN { printf "%d", c * 1e6 / n }')
  echo "bench: store PostgreSQL 15 ($PG_SETTINGS)"
  echo "bench: postgres CPU per delivery ${PG_US1} us = $(sig "$PG_US1") x one openssl signature (phase 1: $PG_CPU1 s for the cluster; at half load ${PG_US_PER_DELIVERY2} us)"
  echo "bench: hub+database CPU per delivery $((HUB_US_PER_DELIVERY + PG_US1)) us = $(sig $((HUB_US_PER_DELIVERY + PG_US1))) x one openssl signature (at half load $((HUB_US_PER_DELIVERY2 + PG_US_PER_DELIVERY2)) us)"
fi
echo "bench: hub peak RSS ${RSS_MB} MB (target <= 64 MB)"
echo "bench: deliveries_per_s=$DPS p50_ms=$P50 p99_ms=$P99 peak_rss_mb=$RSS_MB openssl_sign_per_s=$SIGN_PER_S$(
  [ "$STORE" = sqlite ] || echo " store=postgres postgres_us_per_delivery=$PG_US1")"
