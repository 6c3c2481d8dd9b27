# Shared helpers for the integration tests: a private work dir, the test PKI, free loopback
# ports, partner simulators, the hub, and cleanup of every process a test starts.
# Source it from a test script that runs with `set -euo pipefail`.

SRC="${KETENHUB_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BIN="${KETENHUB_BIN:-$SRC/build/ketenhub}"
PY=/usr/bin/python3
WORK="$(mktemp -d /tmp/ketenhub-it.XXXXXX)"
PIDS=()
KH_FAILED=0

kh_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
kh_fail() {
  KH_FAILED=1
  echo "FAIL: $*" >&2
  exit 1
}
kh_assert_eq() {  # expected actual message
  [ "$1" == "$2" ] || kh_fail "$3: expected '$1', got '$2'"
}

kh_cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ] || [ $KH_FAILED -ne 0 ]; then
    for f in "$WORK"/*.log; do
      [ -f "$f" ] || continue
      echo "----- tail of $f" >&2
      tail -n 30 "$f" >&2
    done
  fi
  rm -rf "$WORK"
  exit $rc
}
trap kh_cleanup EXIT

kh_free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until a command succeeds: kh_wait_until SECONDS CMD...
kh_wait_until() {
  local secs=$1
  shift
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.1
  done
}

# The test PKI is made once (per version of make-test-pki.sh) and copied into each test's work
# dir; made again when its certificates have less than 60 days left (the hub warns under 30).
kh_pki() {
  local script_id
  script_id=$(md5sum "$SRC/deploy/pki/make-test-pki.sh" | cut -c1-12)
  local cache="${KETENHUB_PKI_CACHE:-/tmp/ketenhub-test-pki-$(id -u)}/$script_id"
  local key="${1:-rsa3072}"
  if [ -f "$cache/$key/ca.crt" ] &&
    ! openssl x509 -checkend $((60 * 86400)) -noout -in "$cache/$key/hub-sign.crt" >/dev/null; then
    rm -rf "${cache:?}/$key"
  fi
  if [ ! -f "$cache/$key/ca.crt" ]; then
    mkdir -p "$cache"
    local tmp
    tmp="$(mktemp -d "$cache/tmp.XXXXXX")"
    bash "$SRC/deploy/pki/make-test-pki.sh" "$tmp" --sign-key "$key" >/dev/null
    mv -T "$tmp" "$cache/$key" 2>/dev/null || rm -rf "$tmp"
  fi
  mkdir -p "$WORK/pki"
  cp -p "$cache/$key"/* "$WORK/pki/"
  chmod 600 "$WORK"/pki/*.key
}

# kh_start_sim NAME PARTNER [extra partner-sim args...]; sets SIM_PORT_<NAME>.
kh_start_sim() {
  local name=$1 partner=$2
  shift 2
  local cert="$WORK/pki/partner-$partner.crt" key="$WORK/pki/partner-$partner.key"
  mkdir -p "$WORK/sim-$name"
  rm -f "$WORK/sim-$name.port"
  local listen="127.0.0.1:${SIM_LISTEN_PORT:-0}"
  "$BIN" partner-sim --listen "$listen" --cert "${SIM_CERT:-$cert}" --key "${SIM_KEY:-$key}" \
    --ca "$WORK/pki/ca.crt" --partner "$partner" --verify-ca "$WORK/pki/ca.crt" \
    --schemas "$SRC/schemas" --out "$WORK/sim-$name" --port-file "$WORK/sim-$name.port" "$@" \
    >>"$WORK/sim-$name.log" 2>&1 &
  PIDS+=($!)
  eval "SIM_PID_$name=$!"
  kh_wait_until 20 test -s "$WORK/sim-$name.port" || kh_fail "partner-sim $name did not start"
  eval "SIM_PORT_$name=$(cat "$WORK/sim-$name.port")"
}

kh_stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# kh_config OM_PORT [extra yaml for the om partner]: writes hub.yaml and routes/ into WORK.
# PARTNER_ADAPTER: the om partner's adapter (default rest-xml).
kh_config() {
  local om_port=$1 extra="${2:-}"
  # Port 0: the hub binds free ports itself and logs them; kh_start_hub reads them back.
  AMQP_PORT=0
  ADMIN_PORT=0
  mkdir -p "$WORK/routes"
  cat >"$WORK/hub.yaml" <<YAML
hub:
  name: ketenhub-test
  oin: "00000099000000000001"
intake:
  max_message_bytes: ${MAX_MESSAGE_BYTES:-65536}
  credit_window: 100
  listen:
    - name: local
      url: amqp://127.0.0.1:$AMQP_PORT
      address: wvggz.events
${EXTRA_INTAKE:-}
store:
  sqlite: ketenhub.db
signing:
  key: pki/hub-sign.key
  certificate: pki/hub-sign.crt
admin:
  listen: 127.0.0.1:$ADMIN_PORT
engine:
  retry: {initial: ${RETRY_INITIAL:-200ms}, factor: 2, max: ${RETRY_MAX:-1s}}
paths:
  routes: routes
  mappings: $SRC/mappings
  schemas: $SRC/schemas
YAML
  cat >"$WORK/routes/partners.yaml" <<YAML
partners:
  om:
    name: Openbaar Ministerie
    adapter: ${PARTNER_ADAPTER:-rest-xml}
    endpoint: https://localhost:$om_port/om/kennisgevingen
    tls:
      profile: ${TLS_PROFILE:-ncsc-sufficient}
      ca: [pki/ca.crt]
      client_certificate: pki/hub-client.crt
      client_key: pki/hub-client.key
$extra
    concurrency: ${OM_CONCURRENCY:-8}
    circuit_breaker: {failures: ${BREAKER_FAILURES:-50}, open_for: ${BREAKER_OPEN_FOR:-1s}}
    timeouts: {connect: 2s, request: 10s}
YAML
  cat >"$WORK/routes/wvggz.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - partner: om
        product: kennisgeving-crisismaatregel
        deadline: ${DEADLINE:-30m}
YAML
}

# Starts the hub and sets AMQP_PORT (the first listen source) and ADMIN_PORT from its log.
kh_start_hub() {
  touch "$WORK/hub.log"
  local from=$(($(wc -l <"$WORK/hub.log") + 1))
  "$BIN" run --config "$WORK/hub.yaml" >>"$WORK/hub.log" 2>&1 &
  HUB_PID=$!
  PIDS+=($HUB_PID)
  hub_running() { tail -n +"$from" "$WORK/hub.log" | grep -q '"msg":"ketenhub running"'; }
  kh_wait_until 30 hub_running || kh_fail "hub did not start (see hub.log)"
  read -r AMQP_PORT ADMIN_PORT <<<"$(tail -n +"$from" "$WORK/hub.log" | $PY -c '
import json, sys
amqp = admin = ""
for line in sys.stdin:
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("msg") == "intake listening" and not amqp:
        amqp = r["port"]
    if r.get("msg") == "ketenhub running":
        admin = r["admin_port"]
print(amqp, admin)')"
  kh_wait_until 10 curl -sf "http://127.0.0.1:$ADMIN_PORT/healthz" || kh_fail "hub admin not answering"
}

kh_sql() { sqlite3 -cmd ".timeout 5000" "$WORK/ketenhub.db" "$@"; }

# Sends the example crisis-measure event COUNT times (fresh message-ids and case ids).
kh_send() {
  local count=$1
  shift
  local case_id="${CASE_PREFIX:-CM-0344-2026}"
  [ "$count" -gt 1 ] || case_id="CM-0344-2026-000123"  # the example body's zaaknummer
  "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
    --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id "$case_id" \
    --actor "burgemeester:0344:test" --count "$count" "$@"
}

# Number of distinct delivery ids and total lines the simulator NAME received.
kh_sim_unique() { [ -f "$WORK/sim-$1/received.jsonl" ] && $PY -c '
import json,sys
ids=[json.loads(l)["delivery_id"] for l in open(sys.argv[1]) if l.strip()]
print(len(set(ids)))' "$WORK/sim-$1/received.jsonl" || echo 0; }
kh_sim_lines() { [ -f "$WORK/sim-$1/received.jsonl" ] && wc -l <"$WORK/sim-$1/received.jsonl" || echo 0; }

kh_pass() { echo "PASS: $(basename "$0")"; }

# The whole catalogue: one simulator per partner (the OM speaks Digikoppeling WUS) and the
# repository's own routes/*.yaml and required.yaml, with the endpoints pointed at the simulators.
# Extra partner-sim args per partner: SIM_ARGS_om="--fail-first 2" etc.
kh_start_all_sims() {
  for p in om igj pvp rvr ciz; do
    local adapter=rest-xml extra_var="SIM_ARGS_$p"
    [ "$p" != om ] || adapter=digikoppeling-wus
    # shellcheck disable=SC2086
    kh_start_sim "$p" "$p" --adapter "$adapter" ${!extra_var:-}
  done
}

kh_config_full() {
  kh_config 1  # hub.yaml; the partners and routes below replace the single-partner ones
  rm -f "$WORK/routes/"*.yaml
  cp "$SRC/routes/wvggz.yaml" "$SRC/routes/wzd.yaml" "$SRC/routes/required.yaml" "$WORK/routes/"
  cp -r "$SRC/routes/wsdl" "$WORK/routes/"  # the WUS partner's WSDL (wus.wsdl, file-relative)
  sed -e "s|localhost:19441|localhost:$SIM_PORT_om|; s|localhost:19442|localhost:$SIM_PORT_igj|" \
    -e "s|localhost:19443|localhost:$SIM_PORT_pvp|; s|localhost:19444|localhost:$SIM_PORT_rvr|" \
    -e "s|localhost:19445|localhost:$SIM_PORT_ciz|" "$SRC/routes/partners.yaml" >"$WORK/routes/partners.yaml"
}

# kh_send_example EVENT_TYPE MESSAGE_ID [send args...]: one example event with its case id.
kh_send_example() {
  local type=$1 id=$2
  shift 2
  local case_id
  case_id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$SRC/examples/events/$type.json")
  "$BIN" send "${KH_EVENT_FILE:-$SRC/examples/events/$type.json}" --url "amqp://127.0.0.1:$AMQP_PORT" \
    --address wvggz.events --event-type "$type" --case-id "$case_id" --actor "burgemeester:0344:test" \
    --message-id "$id" "$@" >>"$WORK/send.log" 2>&1 || kh_fail "send of $type failed"
}
