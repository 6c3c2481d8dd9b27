#!/usr/bin/env bash
# The demo: the hub doing its real job on the embedded default (listen mode, SQLite) with a partner
# simulator for the OM on loopback and mutual TLS. Installs and builds if needed, makes a test PKI,
# sends the example event and a few hundred generated ones with `ketenhub send`, prints what was
# delivered and verified, and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
COUNT="${COUNT:-300}"
bash deploy/install-deps.sh
if [ ! -x build/ketenhub ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build build -j"$(nproc)" --target ketenhub >/dev/null
BIN="$ROOT/build/ketenhub"
DEMO="$ROOT/var/demo"
rm -rf "$DEMO"
mkdir -p "$DEMO/received/om"
bash deploy/pki/make-test-pki.sh "$DEMO/pki" >/dev/null
cp deploy/local/hub.yaml "$DEMO/hub.yaml"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

for port in 15672 18081 19441; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "demo: port $port on 127.0.0.1 is in use; stop what uses it and retry" >&2
    exit 1
  fi
done

echo "== starting partner-sim for the OM (mutual TLS, checks client certificate, signature, schema)"
"$BIN" partner-sim --listen 127.0.0.1:19441 --partner om \
  --cert "$DEMO/pki/partner-om.crt" --key "$DEMO/pki/partner-om.key" --ca "$DEMO/pki/ca.crt" \
  --verify-ca "$DEMO/pki/ca.crt" --schemas "$ROOT/schemas" --out "$DEMO/received/om" \
  >"$DEMO/partner-sim-om.log" 2>&1 &
PIDS+=($!)

echo "== config check"
"$BIN" config check --config "$DEMO/hub.yaml"

echo "== starting the hub (listen mode on amqp://127.0.0.1:15672, admin on 127.0.0.1:18081)"
"$BIN" run --config "$DEMO/hub.yaml" >"$DEMO/hub.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.1; done

EVENT="$ROOT/examples/events/wvggz.crisismaatregel.genomen.json"
echo "== sending the example event"
"$BIN" send "$EVENT" --url amqp://127.0.0.1:15672 --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
  --actor burgemeester:0344:j.devries --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01
echo "== sending $COUNT generated events"
"$BIN" send "$EVENT" --url amqp://127.0.0.1:15672 --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2025 \
  --actor burgemeester:0344:j.devries --count "$COUNT"

TOTAL=$((COUNT + 1))
sql() { sqlite3 -cmd ".timeout 5000" "$DEMO/ketenhub.db" "$@"; }
for _ in $(seq 600); do
  done_n=$(sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')")
  [ "$done_n" -ge "$TOTAL" ] && break
  sleep 0.1
done

echo
echo "== the example event"
sql -header -column "SELECT e.case_id AS zaaknummer, e.event_type AS event, d.partner, d.product,
  d.channel, d.state, d.attempts, d.delivery_id FROM deliveries d JOIN events e ON e.id = d.event_id
  WHERE e.message_id = '7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01'"
echo
echo "== all deliveries by partner and state"
sql -header -column "SELECT partner, product, state, COUNT(*) AS n,
  CAST(AVG(final_at - created_at) AS INT) AS avg_ms_intake_to_final FROM deliveries GROUP BY 1,2,3"
echo
received=$(wc -l <"$DEMO/received/om/received.jsonl")
verified=$(grep -c '"verified":true' "$DEMO/received/om/received.jsonl" || true)
echo "== partner-sim (OM) received $received requests, $verified with a valid signature and schema"
id=$(sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01'")
echo "== verifying the OM's copy of the example product as a partner would:"
"$BIN" verify "$DEMO/received/om/$id.xml" --ca "$DEMO/pki/ca.crt"
echo
echo "Products received by the simulator: $DEMO/received/om/   hub log: $DEMO/hub.log"
