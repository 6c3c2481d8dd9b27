#!/usr/bin/env bash
# The whole pipeline in connect mode, as users run it: a private RabbitMQ 3.10 node (AMQP 1.0
# plugin, durable classic queue, persistent messages) -> the hub consuming the queue (SASL PLAIN)
# -> SQLite -> XSLT -> XSD -> XML-DSig (RSA-2048) -> HTTPS mutual TLS -> partner-sim, on the same
# cores as the broker. Phase 1 preloads N events into the queue with the hub stopped, then starts
# the hub and measures the drain (throughput); phase 2 publishes ten seconds' worth at half that
# rate while the hub is connected (intake-to-delivered latency at half of peak); phase 3 (PYTHON=1,
# the default) preloads the same N events again and lets a straightforward Python pipeline
# (bench/rabbitmq_pipeline.py) drain them to the same partner-sim. Figures as bench/run.sh prints
# them, next to `openssl speed rsa2048` (one process) measured in the same run, plus the broker's
# CPU. Last line is machine-readable.
# Usage: bash bench/rabbitmq.sh [N]   (N default 10000; env: BUILD_DIR (default build-bench/),
#        WORKERS (16, send workers), BUILD_WORKERS (0: one per core), CONCURRENCY (32), CREDIT (the hub's credit_window, 200),
#        GROUP_COMMIT (store.group_commit_max, 512; both the hub's defaults), PYTHON=0 to skip
#        phase 3, PERF_HUB=file to record a perf profile of the hub during phase 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-10000}"
PYTHON_PHASE="${PYTHON:-1}"
bash deploy/install-deps.sh
if [ "$PYTHON_PHASE" = 1 ]; then  # only the Python pipeline needs these (not in install-deps.sh)
  missing=()
  for p in python3-lxml python3-xmlsec python3-requests; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target ketenhub >/dev/null
BIN="$BUILD/ketenhub"
source bench/lib.sh
bench_workdir rabbitmq

# The private broker of the integration tests (own epmd, cookie, ports, mnesia under $W), with the
# few helpers of tests/integration/lib.sh it uses (the others: deploy/cluster/lib/common.sh). Its
# EXIT trap stops the node and epmd, then bench_cleanup stops the rest and removes $W.
WORK="$W"
PY=/usr/bin/python3
kh_log() { echo "rabbitmq: $*" >&2; }
kh_fail() {
  echo "rabbitmq: $*" >&2
  exit 1
}
kh_free_port() { port; }
kh_cleanup() { bench_cleanup; }
source tests/integration/rabbitmq.sh

bash deploy/pki/make-test-pki.sh "$W/pki" --sign-key rsa2048 >/dev/null
openssl_speed() { openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print int($6)}'; }
# CPU seconds of one process, of the broker (RMQ_PID and every process under it: the wrapper
# scripts, beam.smp, erl_child_setup, inet_gethost), and by thread role of the hub (threads are
# named kh-<role>[-N]).
HZ=$(getconf CLK_TCK)
tree() {
  local c
  echo "$1"
  for c in $(pgrep -P "$1"); do tree "$c"; done
}
broker_cpu() {
  local p
  for p in $(tree "$RMQ_PID"); do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk -v hz="$HZ" '{sub(/^.*\) /, ""); t += $12 + $13} END {printf "%.1f", t / hz}'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
roles() {  # PID [BEFORE]: "role seconds, ..."; with BEFORE (an earlier output), the difference
  for t in /proc/"$1"/task/*; do
    awk -v hz="$HZ" '{sub(/^[0-9]+ \(/, ""); n=$0; sub(/\).*/, "", n); sub(/^.*\) /, "");
      print n, ($12 + $13) / hz}' "$t/stat"
  done | awk -v before="${2:-}" 'BEGIN { n = split(before, b, /, /); for (i = 1; i <= n; i++) { split(b[i], f, " "); c[f[1]] = -f[2] } }
    {r=$1; sub(/-[0-9]+$/, "", r); c[r] += $2} END {for (r in c) printf "%s %.1f, ", r, c[r] < 0.05 ? 0 : c[r]}' |
    sed 's/, $//'
}
# The host is shared (builds of others run without the benchmark lock): CPU seconds the whole
# machine spent busy and idle (/proc/stat), to tell what else ran during a phase.
host_cpu() { awk -v hz="$HZ" '/^cpu / {printf "%.1f %.1f", ($2 + $3 + $4 + $7 + $8 + $9) / hz, ($5 + $6) / hz}' /proc/stat; }
host_note() {  # BUSY0 IDLE0 OURS_CPU -> "others X s, idle Y s of Z s"
  local b1 i1
  read -r b1 i1 <<<"$(host_cpu)"
  awk -v b0="$1" -v i0="$2" -v b1="$b1" -v i1="$i1" -v ours="$3" \
    'BEGIN { printf "others %.1f s, idle %.1f s (of %.1f core-seconds)", b1 - b0 - ours, i1 - i0, b1 - b0 + i1 - i0 }'
}
per_delivery() {  # CPU_SECONDS COUNT SIGN_PER_S -> "N us = X sig"
  awk -v c="$1" -v n="$2" -v s="$3" 'BEGIN { u = c * 1e6 / n; printf "%d us = %.2f sig", u, u * s / 1e6 }'
}

QUEUE=ketenhub.bench
rmq_setup
rmq_start
rmq_declare_queue "$QUEUE"
printf 'guest' >"$W/rabbit.pass"
chmod 600 "$W/rabbit.pass"

# partner-sim as bench/run.sh runs it (no signature or schema checks, nothing stored).
"$BIN" partner-sim --listen 127.0.0.1:0 --port-file "$W/sim.port" --partner om \
  --cert "$W/pki/partner-om.crt" --key "$W/pki/partner-om.key" --ca "$W/pki/ca.crt" \
  --no-verify-signature --quiet >"$W/sim.log" 2>&1 &
SIM=$!
PIDS+=("$SIM")
kh_wait_until 10 test -s "$W/sim.port" || kh_fail "partner-sim did not start"
SIM_PORT=$(cat "$W/sim.port")
ADMIN_PORT=$(port)
mkdir -p "$W/routes"
cat >"$W/hub.yaml" <<YAML
hub: {name: ketenhub-bench, oin: "00000099000000000001"}
intake:
  credit_window: ${CREDIT:-200}
  connect:
    - {name: rabbit, urls: ["$RMQ_URL"], address: /amq/queue/$QUEUE, user: guest, password_file: rabbit.pass}
store: {sqlite: hub.db, group_commit_max: ${GROUP_COMMIT:-512}}
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
cat >"$W/routes/bench.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - {partner: om, product: kennisgeving-crisismaatregel, deadline: 30m}
YAML
"$BIN" config check --config "$W/hub.yaml" >"$W/check.log" 2>&1 || kh_fail "config check: $(cat "$W/check.log")"

EVENT="$ROOT/examples/events/wvggz.crisismaatregel.genomen.json"
TIMEFORMAT="%R %U %S"
publish() {  # LOG ARGS...: publishes into the queue (publisher confirms); prints "wall cpu"
  local log=$1
  shift
  { time "$BIN" send "$EVENT" --url "$RMQ_URL" --address "/amq/queue/$QUEUE" --user guest \
    --password-file "$W/rabbit.pass" --event-type wvggz.crisismaatregel.genomen \
    --actor bench:0344:load --window 2000 "$@" >"$log" 2>&1; } 2>&1 | awk '{printf "%s %.1f", $1, $2 + $3}'
}
queued() { rmq_queue_messages "$QUEUE"; }
sql() { sqlite3 -cmd ".timeout 10000" "$W/hub.db" "$@"; }
wait_final() {  # total (polls once a second, as bench/run.sh)
  for _ in $(seq 900); do
    [ "$(sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')")" -ge "$1" ] && return 0
    sleep 1
  done
  kh_fail "timed out waiting for deliveries"
}

echo "rabbitmq: measuring openssl speed rsa2048 (one process) before phase 1 ..."
SIGN_BEFORE=$(openssl_speed)
echo "rabbitmq: phase 1: preloading $N events into $QUEUE ..."
BROKER0=$(broker_cpu)
read -r PRE_WALL PRE_CPU <<<"$(publish "$W/send1.log" --case-id CM-0344-2027 --count "$N")"
PRE_BROKER_CPU=$(sub "$(broker_cpu)" "$BROKER0")
grep -q "accepted=$N " "$W/send1.log" || kh_fail "the broker did not accept all: $(cat "$W/send1.log")"
[ "$(queued)" = "$N" ] || kh_fail "queue holds $(queued) messages, expected $N"
echo "rabbitmq: phase 1: starting the hub (connect mode), draining $N events ..."
BROKER0=$(broker_cpu)
SIM0=$(cpu_s "$SIM")
read -r BUSY0 IDLE0 <<<"$(host_cpu)"
LD_PRELOAD="${HUB_PRELOAD:-}" "$BIN" run --config "$W/hub.yaml" >"$W/hub.log" 2>&1 &
HUB=$!
PIDS+=("$HUB")
ready() { curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz"; }  # the store is open, the broker connected
kh_wait_until 30 ready || kh_fail "the hub is not ready: $(tail -3 "$W/hub.log")"
if [ -n "${PERF_HUB:-}" ]; then
  perf record -q -F 250 --call-graph dwarf,32768 -e cpu-clock -p "$HUB" -o "$PERF_HUB" 2>/dev/null &
  PERF_PID=$!
fi
wait_final "$N"
if [ -n "${PERF_HUB:-}" ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
IFS="|" read -r T0 T1 <<<"$(sql "SELECT MIN(e.received_at), MAX(d.final_at) FROM deliveries d JOIN events e ON e.id=d.event_id")"
DPS=$(awk -v n="$N" -v ms="$((T1 - T0))" 'BEGIN { printf "%d", n * 1000 / (ms > 0 ? ms : 1) }')
DEAD=$(sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")
HUB_CPU=$(cpu_s "$HUB")
BROKER_CPU=$(sub "$(broker_cpu)" "$BROKER0")
SIM_CPU=$(sub "$(cpu_s "$SIM")" "$SIM0")
HUB_CSW=$(cat /proc/"$HUB"/task/*/status | awk '/ctxt_switches/ {n += $2} END {print n}')
HUB_ROLES=$(roles "$HUB")
HOST1=$(host_note "$BUSY0" "$IDLE0" "$(awk -v a="$HUB_CPU" -v b="$BROKER_CPU" -v c="$SIM_CPU" 'BEGIN { print a + b + c }')")
drained() { [ "$(queued)" = 0 ]; }
kh_wait_until 10 drained || kh_fail "queue not drained: $(queued) messages left"
echo "rabbitmq: measuring openssl speed rsa2048 (one process) after phase 1 ..."
SIGN_AFTER=$(openssl_speed)
SIGN_PER_S=$(((SIGN_BEFORE + SIGN_AFTER) / 2))

HALF=$((DPS / 2))
[ "$HALF" -ge 1 ] || HALF=1
N2=$((HALF * 10))
echo "rabbitmq: phase 2: $N2 events at $HALF/s (half of peak) through the broker, hub connected ..."
BROKER0=$(broker_cpu)
HUB0=$(cpu_s "$HUB")
ROLES0=$(roles "$HUB")
read -r _ _ <<<"$(publish "$W/send2.log" --case-id CM-0344-2028 --count "$N2" --rate "$HALF")"
grep -q "accepted=$N2 " "$W/send2.log" || kh_fail "the broker did not accept all: $(cat "$W/send2.log")"
wait_final "$((N + N2))"
BROKER2_CPU=$(sub "$(broker_cpu)" "$BROKER0")
HUB2_CPU=$(sub "$(cpu_s "$HUB")" "$HUB0")
HUB2_ROLES=$(roles "$HUB" "$ROLES0")
sql "SELECT d.final_at - e.received_at FROM deliveries d JOIN events e ON e.id=d.event_id
     WHERE d.case_id LIKE 'CM-0344-2028-%' ORDER BY 1" >"$W/lat.txt"
pct() { awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i]}' "$W/lat.txt"; }
P50=$(pct 0.50)
P99=$(pct 0.99)
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$HUB/status")
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
RATIO=$(awk -v a="$DPS" -v b="$SIGN_PER_S" 'BEGIN { printf "%.2f", a / b }')
kh_stop_pid "$HUB"  # phase 3 must not meet a consumer on the queue

PY_LINE="skipped (PYTHON=0)"
PY_DPS=0
if [ "$PYTHON_PHASE" = 1 ]; then
  echo "rabbitmq: phase 3: preloading the same $N events, the Python pipeline drains them ..."
  read -r _ _ <<<"$(publish "$W/send3.log" --case-id CM-0344-2027 --count "$N")"
  grep -q "accepted=$N " "$W/send3.log" || kh_fail "the broker did not accept all: $(cat "$W/send3.log")"
  BROKER0=$(broker_cpu)
  SIM0=$(cpu_s "$SIM")
  read -r BUSY0 IDLE0 <<<"$(host_cpu)"
  "$PY" "$ROOT/bench/rabbitmq_pipeline.py" --url "$RMQ_URL" --address "/amq/queue/$QUEUE" \
    --user guest --password-file "$W/rabbit.pass" --count "$N" \
    --endpoint "https://localhost:$SIM_PORT/om" --pki "$W/pki" --root "$ROOT" \
    --sample "$W/python-product.xml" >"$W/python.json" 2>"$W/python.log" ||
    kh_fail "the Python pipeline failed: $(tail -3 "$W/python.log") $(cat "$W/python.json")"
  PY_BROKER_CPU=$(sub "$(broker_cpu)" "$BROKER0")
  PY_SIM_CPU=$(sub "$(cpu_s "$SIM")" "$SIM0")
  PY_CPU=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["cpu_s"])' "$W/python.json")
  HOST3=$(host_note "$BUSY0" "$IDLE0" "$(awk -v a="$PY_CPU" -v b="$PY_BROKER_CPU" -v c="$PY_SIM_CPU" 'BEGIN { print a + b + c }')")
  # The comparison holds only if the Python product is one a partner accepts.
  "$BIN" verify "$W/python-product.xml" --ca "$W/pki/ca.crt" >"$W/verify.log" 2>&1 ||
    kh_fail "the Python pipeline's product does not verify: $(cat "$W/verify.log")"
  read -r PY_DPS PY_CPU PY_CSW PY_RSS <<<"$("$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(int(r["posted"] / (r["last_accept"] - r["first_receive"])), r["cpu_s"], r["ctx_switches"], r["max_rss_mb"])
' "$W/python.json")"
  PY_LINE="$PY_DPS deliveries/s (hub: $(awk -v a="$DPS" -v b="$PY_DPS" 'BEGIN { printf "%.1f", a / b }') x); CPU seconds: python $PY_CPU ($(per_delivery "$PY_CPU" "$N" "$SIGN_PER_S") per delivery), broker $PY_BROKER_CPU, partner-sim $PY_SIM_CPU; context switches per delivery $((PY_CSW / N)); peak RSS $PY_RSS MB; host: $HOST3; its product verifies ($(head -c 60 "$W/verify.log"))"
fi

echo
echo "rabbitmq: RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server) (AMQP 1.0 plugin), durable classic queue, persistent messages; hub credit_window ${CREDIT:-200}, group_commit_max ${GROUP_COMMIT:-512}"
echo "rabbitmq: partner-sim signature and schema checks OFF and nothing stored (as bench/run.sh)"
echo "rabbitmq: signing key RSA-2048; hub build workers=${BUILD_WORKERS:-0} (0: one per core), send workers=${WORKERS:-16}, partner concurrency=${CONCURRENCY:-32}; $(nproc) cores shared by broker, hub, partner-sim"
echo "rabbitmq: preload: $N events into the queue in ${PRE_WALL} s ($(awk -v n="$N" -v s="$PRE_WALL" 'BEGIN { printf "%d", n / s }')/s), CPU seconds: sender ${PRE_CPU}, broker ${PRE_BROKER_CPU} ($(per_delivery "$PRE_BROKER_CPU" "$N" "$SIGN_PER_S") per event)"
echo "rabbitmq: phase 1 (drain): $N events, $DPS deliveries/s end to end (dead: $DEAD); CPU seconds: hub $HUB_CPU, broker $BROKER_CPU, partner-sim $SIM_CPU; hub context switches per delivery $((HUB_CSW / N))"
echo "rabbitmq: phase 1 host: $HOST1; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rabbitmq: hub CPU seconds by thread: $HUB_ROLES"
echo "rabbitmq: openssl speed rsa2048 (one process): $SIGN_PER_S signatures/s (before $SIGN_BEFORE, after $SIGN_AFTER) -> ratio $RATIO"
echo "rabbitmq: per delivery: hub CPU $(per_delivery "$HUB_CPU" "$N" "$SIGN_PER_S"), broker CPU $(per_delivery "$BROKER_CPU" "$N" "$SIGN_PER_S") (x one openssl signature)"
echo "rabbitmq: phase 2 at $HALF/s: intake-to-delivered p50 ${P50} ms, p99 ${P99} ms; CPU per delivery: hub $(per_delivery "$HUB2_CPU" "$N2" "$SIGN_PER_S"), broker $(per_delivery "$BROKER2_CPU" "$N2" "$SIGN_PER_S")"
echo "rabbitmq: phase 2 hub CPU seconds by thread: $HUB2_ROLES"
echo "rabbitmq: hub peak RSS ${RSS_MB} MB"
echo "rabbitmq: phase 3 (Python pipeline, same $N events): $PY_LINE"
echo "rabbitmq: deliveries_per_s=$DPS p50_ms=$P50 p99_ms=$P99 peak_rss_mb=$RSS_MB openssl_sign_per_s=$SIGN_PER_S broker_cpu_s=$BROKER_CPU hub_cpu_s=$HUB_CPU python_per_s=$PY_DPS"
