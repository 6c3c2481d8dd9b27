#!/usr/bin/env bash
# A ketenhub cluster on one machine, on loopback, to try and to test: a private PostgreSQL 15 (the
# shared store), a private RabbitMQ 3.10 node (AMQP 1.0 plugin) with a durable quorum queue, a
# partner simulator (mutual TLS) and three hub instances consuming the queue as competing
# consumers. PostgreSQL and RabbitMQ come from the Debian packages (deploy/install-deps.sh) and run
# from private data directories on free ports: no system service is started or touched.
#
#   bash deploy/cluster/run.sh start     install + build if needed, start everything
#   bash deploy/cluster/run.sh status    instances (pid, ready), queue, deliveries, simulator
#   bash deploy/cluster/run.sh send N    publish N example events into the queue
#   bash deploy/cluster/run.sh stop      stop everything it started (logs and data stay)
#
# Everything lives in KETENHUB_CLUSTER_DIR (default var/cluster in the checkout); `start` wipes it
# first. INSTANCES (default 3) instances; the partner's concurrency cap is CAP (default 4), over
# all instances together. See deploy/cluster/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
D="${KETENHUB_CLUSTER_DIR:-$ROOT/var/cluster}"
BIN="${KETENHUB_BIN:-$ROOT/build/ketenhub}"
QUEUE=ketenhub.events
STATE="$D/state.env"

say() { echo "cluster: $*" >&2; }
kh_log() { say "$*"; }
kh_fail() {
  say "$*"
  exit 1
}
source "$ROOT/deploy/cluster/lib/postgres.sh"
source "$ROOT/deploy/cluster/lib/rabbitmq.sh"
source "$ROOT/deploy/cluster/lib/hub.sh"
KHC_QUEUE=$QUEUE
KHC_SOURCE=$ROOT
KHC_LEASE_SECONDS=${LEASE_SECONDS:-5}

load_state() {
  [ -f "$STATE" ] || kh_fail "not started (no $STATE): bash deploy/cluster/run.sh start"
  # shellcheck disable=SC1090
  source "$STATE"
}

# Waits up to SECONDS for an instance's log to say it runs and its /readyz to answer 200.
wait_instance() {
  local i=$1 secs=$2 port_var="ADMIN_PORT_$1"
  local end=$((SECONDS + secs))
  until curl -sf "http://127.0.0.1:${!port_var}/readyz" >/dev/null 2>&1; do
    local pid_var="HUB_PID_$i"
    kill -0 "${!pid_var}" 2>/dev/null || kh_fail "instance $i exited (see $D/log/hub-$i.log)"
    [ $SECONDS -lt $end ] || kh_fail "instance $i not ready after $secs s (see $D/log/hub-$i.log)"
    sleep 0.2
  done
}

start_instance() {
  local i=$1
  setsid "$BIN" run --config "$D/hub-$i.yaml" </dev/null >>"$D/log/hub-$i.log" 2>&1 &
  eval "HUB_PID_$i=$!"
}

cmd_start() {
  if [ -f "$STATE" ]; then
    load_state
    for i in $(seq "$INSTANCES"); do
      local pid_var="HUB_PID_$i"
      ! kill -0 "${!pid_var}" 2>/dev/null || kh_fail "already running: bash deploy/cluster/run.sh stop first"
    done
  fi
  bash "$ROOT/deploy/install-deps.sh"
  if [ -z "${KETENHUB_BIN:-}" ]; then
    [ -f "$ROOT/build/build.ninja" ] ||
      cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$ROOT/build" -j"$(nproc)" --target ketenhub >/dev/null
  fi
  INSTANCES="${INSTANCES:-3}"
  CAP="${CAP:-4}"
  rm -rf "$D"
  mkdir -p "$D/log" "$D/received"
  bash "$ROOT/deploy/pki/make-test-pki.sh" "$D/pki" >/dev/null
  chmod 600 "$D"/pki/*.key

  PG_NO_WATCH=1 pg_start "$D/pg"
  pg_createdb ketenhub
  RMQ_DIR="$D/rabbit" RMQ_LOG_DIR="$D/log" RMQ_NODE="ketenhub-cluster-$$@localhost"
  rmq_setup
  rmq_start
  rmq_declare_queue "$QUEUE" quorum
  khc_secrets "$D"  # the broker password and the audit person key, before any instance starts

  rm -f "$D/sim.port"
  # shellcheck disable=SC2086  # SIM_ARGS: several options, split on purpose
  setsid "$BIN" partner-sim --listen 127.0.0.1:0 --cert "$D/pki/partner-om.crt" \
    --key "$D/pki/partner-om.key" --ca "$D/pki/ca.crt" --partner om --verify-ca "$D/pki/ca.crt" \
    --schemas "$ROOT/schemas" --out "$D/received" --port-file "$D/sim.port" ${SIM_ARGS:-} \
    </dev/null >>"$D/log/partner-sim.log" 2>&1 &
  SIM_PID=$!
  kh_wait_until 20 test -s "$D/sim.port" || kh_fail "partner-sim did not start"
  SIM_PORT=$(cat "$D/sim.port")
  khc_write_routes "$D" "$SIM_PORT" "$CAP"
  for i in $(seq "$INSTANCES"); do
    eval "ADMIN_PORT_$i=$(kh_free_port)"
    local port_var="ADMIN_PORT_$i"
    khc_write_config "$D" "$i" "${!port_var}"
  done
  "$BIN" config check --config "$D/hub-1.yaml" >"$D/log/config-check.log" 2>&1 ||
    kh_fail "config check failed: $(cat "$D/log/config-check.log")"
  save_state
  for i in $(seq "$INSTANCES"); do start_instance "$i"; done
  save_state
  for i in $(seq "$INSTANCES"); do wait_instance "$i" 60; done
  say "up: $INSTANCES instances, PostgreSQL 127.0.0.1:$PG_PORT, RabbitMQ $RMQ_URL (quorum queue $QUEUE), partner-sim https://localhost:$SIM_PORT (cap $CAP)"
  say "next: bash deploy/cluster/run.sh send 100; bash deploy/cluster/run.sh status; ... stop"
}

save_state() {
  {
    for v in INSTANCES CAP PG_DIR PG_PORT PG_PASSWORD PG_PASSWORD_FILE PG_CONNINFO RMQ_DIR \
      RMQ_LOG_DIR RMQ_NODE RMQ_PORT RMQ_URL RMQ_PID RMQ_EPMD_PID RMQ_EPMD_PORT RMQ_DIST_PORT \
      SIM_PID SIM_PORT; do
      printf '%s=%q\n' "$v" "${!v:-}"
    done
    for i in $(seq "$INSTANCES"); do
      local a="ADMIN_PORT_$i" p="HUB_PID_$i"
      printf '%s=%q\n%s=%q\n' "$a" "${!a:-}" "$p" "${!p:-}"
    done
  } >"$STATE.tmp"
  chmod 600 "$STATE.tmp"
  mv "$STATE.tmp" "$STATE"
}

sim_stats() {
  curl -sf --cacert "$D/pki/ca.crt" --cert "$D/pki/hub-client.crt" --key "$D/pki/hub-client.key" \
    "https://localhost:$SIM_PORT/stats"
}

cmd_status() {
  load_state
  local i
  for i in $(seq "$INSTANCES"); do
    local a="ADMIN_PORT_$i" p="HUB_PID_$i" state ready
    state=stopped
    ! kill -0 "${!p}" 2>/dev/null || state="running (pid ${!p})"
    ready=$(curl -s "http://127.0.0.1:${!a}/readyz" 2>/dev/null | head -c 200 | tr '\n' ' ' || true)
    echo "instance hub-$i: $state, admin 127.0.0.1:${!a}, readyz: ${ready:-no answer}"
  done
  if pg_running; then
    echo "postgresql 127.0.0.1:$PG_PORT: running"
    echo "deliveries by state:"
    pg_psql ketenhub -F ' ' -c "SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY 1" |
      sed 's/^/  /'
    echo "events: $(pg_psql ketenhub -c "SELECT COUNT(*) FROM events")"
  else
    echo "postgresql: not running"
  fi
  if kill -0 "$RMQ_PID" 2>/dev/null; then
    echo "rabbitmq $RMQ_URL: queue $QUEUE ($(rmq_queue_info "$QUEUE" type)):" \
      "$(rmq_queue_messages "$QUEUE") messages, $(rmq_queue_consumers "$QUEUE") consumers" \
      "(the broker's figures lag up to 5 s)"
  else
    echo "rabbitmq: not running"
  fi
  echo "partner-sim https://localhost:$SIM_PORT: $(sim_stats || echo 'not answering') (cap $CAP)"
}

cmd_send() {
  load_state
  local n=${1:-100}
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || kh_fail "send N: N is a positive number"
  # A fresh case-id prefix per send (CM-0344-YYYY then the time of day), cases ...-000001 to N.
  local prefix
  prefix="CM-$(date +%H%M)-$(date +%Y)"
  "$BIN" send "$ROOT/examples/events/wvggz.crisismaatregel.genomen.json" --url "$RMQ_URL" \
    --address "/amq/queue/$QUEUE" --user guest --password-file "$D/secrets/rabbit.pass" \
    --event-type wvggz.crisismaatregel.genomen --case-id "$prefix" \
    --actor "burgemeester:0344:test" --count "$n"
}

cmd_stop() {
  load_state
  local i pids=()
  for i in $(seq "$INSTANCES"); do
    local p="HUB_PID_$i"
    [ -z "${!p}" ] || pids+=("${!p}")
  done
  [ -z "$SIM_PID" ] || pids+=("$SIM_PID")
  for p in "${pids[@]}"; do
    # only our own processes: the pid must still be a ketenhub process
    grep -qs ketenhub "/proc/$p/cmdline" && kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    ! grep -qs ketenhub "/proc/$p/cmdline" || kill -KILL "$p" 2>/dev/null || true
  done
  if [ -n "$RMQ_PID" ] && grep -qs rabbitmq-server "/proc/$RMQ_PID/cmdline"; then rmq_stop; fi
  RMQ_PID=""
  if [ -n "$RMQ_EPMD_PID" ] && grep -qs epmd "/proc/$RMQ_EPMD_PID/cmdline"; then
    kh_stop_pid "$RMQ_EPMD_PID"
  fi
  pg_stop_server
  for i in $(seq "$INSTANCES"); do eval "HUB_PID_$i="; done
  SIM_PID=""
  RMQ_EPMD_PID=""
  save_state
  say "stopped (logs in $D/log)"
}

case "${1:-}" in
  start) cmd_start ;;
  status) cmd_status ;;
  send) cmd_send "${2:-100}" ;;
  stop) cmd_stop ;;
  *)
    echo "usage: bash deploy/cluster/run.sh start|status|send N|stop" >&2
    exit 2
    ;;
esac
