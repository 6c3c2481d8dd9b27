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

PARTNERS=(om igj pvp rvr ciz)
for port in 15672 18081 19441 19442 19443 19444 19445; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "demo: port $port on 127.0.0.1 is in use; stop what uses it and retry" >&2
    exit 1
  fi
done

echo "== starting a partner simulator per partner (mutual TLS; checks client certificate, signature, schema)"
i=1
for p in "${PARTNERS[@]}"; do
  mkdir -p "$DEMO/received/$p"
  adapter=rest-xml
  [ "$p" != om ] || adapter=digikoppeling-wus  # the OM speaks Digikoppeling WUS (2W-be)
  "$BIN" partner-sim --listen "127.0.0.1:1944$i" --partner "$p" --adapter "$adapter" \
    --cert "$DEMO/pki/partner-$p.crt" --key "$DEMO/pki/partner-$p.key" --ca "$DEMO/pki/ca.crt" \
    --verify-ca "$DEMO/pki/ca.crt" --schemas "$ROOT/schemas" --out "$DEMO/received/$p" \
    >"$DEMO/partner-sim-$p.log" 2>&1 &
  PIDS+=($!)
  i=$((i + 1))
done

echo "== config check"
"$BIN" config check --config "$DEMO/hub.yaml"

echo "== starting the hub (listen mode on amqp://127.0.0.1:15672, admin on 127.0.0.1:18081)"
"$BIN" run --config "$DEMO/hub.yaml" >"$DEMO/hub.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.1; done

EX="$ROOT/examples/events"
send() { "$BIN" send "$@" --url amqp://127.0.0.1:15672 --address wvggz.events; }
echo "== sending the five example events (the workflow of two cases)"
send "$EX/wvggz.crisismaatregel.genomen.json" --event-type wvggz.crisismaatregel.genomen \
  --case-id CM-0344-2026-000123 --actor burgemeester:0344:j.devries --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01
send "$EX/wvggz.crisismaatregel.beeindigd.json" --event-type wvggz.crisismaatregel.beeindigd \
  --case-id CM-0344-2026-000123 --actor burgemeester:0344:j.devries --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a02
send "$EX/wvggz.zorgmachtiging.aanvraag.json" --event-type wvggz.zorgmachtiging.aanvraag \
  --case-id VO-0344-2026-004512 --actor medewerker:0344:s.elamrani --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a03
send "$EX/wzd.inbewaringstelling.genomen.json" --event-type wzd.inbewaringstelling.genomen \
  --case-id IBS-0344-2026-000077 --actor burgemeester:0344:k.visser --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a04
send "$EX/wzd.inbewaringstelling.beeindigd.json" --event-type wzd.inbewaringstelling.beeindigd \
  --case-id IBS-0344-2026-000077 --actor burgemeester:0344:k.visser --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a05
echo "== sending $COUNT generated crisis-measure events"
send "$EX/wvggz.crisismaatregel.genomen.json" --event-type wvggz.crisismaatregel.genomen \
  --case-id CM-0344-2025 --actor burgemeester:0344:j.devries --count "$COUNT"

sql() { sqlite3 -cmd ".timeout 5000" "$DEMO/ketenhub.db" "$@"; }
TOTAL=$(sql "SELECT COUNT(*) FROM deliveries")
for _ in $(seq 600); do
  TOTAL=$(sql "SELECT COUNT(*) FROM deliveries")
  done_n=$(sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')")
  [ "$done_n" -ge "$TOTAL" ] && break
  sleep 0.1
done

echo
echo "== the example events: every product, its channel and state"
sql -header -column "SELECT e.case_id AS zaaknummer, e.event_type AS event, d.partner, d.product,
  d.channel, d.state, d.attempts FROM deliveries d JOIN events e ON e.id = d.event_id
  WHERE e.message_id LIKE '7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a0%' ORDER BY d.seq"
echo
echo "== all deliveries by partner, product and state"
sql -header -column "SELECT partner, product, state, COUNT(*) AS n,
  CAST(AVG(final_at - created_at) AS INT) AS avg_ms_intake_to_final FROM deliveries GROUP BY 1,2,3"
echo
for p in "${PARTNERS[@]}"; do
  f="$DEMO/received/$p/received.jsonl"
  n=$( [ -f "$f" ] && wc -l <"$f" || echo 0)
  v=$( [ -f "$f" ] && grep -c '"verified":true' "$f" || echo 0)
  echo "partner-sim $p: received $n products, $v with a valid signature and schema"
done
id=$(sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1a01' AND d.partner='om'")
echo "== verifying the OM's copy of the crisis-measure notice as a partner would:"
"$BIN" verify "$DEMO/received/om/$id.xml" --ca "$DEMO/pki/ca.crt"
echo
echo "Products received by the simulators: $DEMO/received/<partner>/   hub log: $DEMO/hub.log"
