#!/usr/bin/env bash
# The demo: the hub doing its real job on the embedded default (listen mode, SQLite) with a partner
# simulator per partner on loopback and mutual TLS. Installs and builds if needed, makes a test PKI,
# sends the example events and a few hundred generated ones with `ketenhub send`, prints what was
# delivered and verified. Then the fallback chain: the legal aid board's simulator stops; its
# lawyer request goes out by secure mail (a mail catcher with STARTTLS shows the S/MIME-signed
# mail), and with the mail catcher stopped too, as a printed letter (the PDF's path and first
# lines). Stops everything it started.
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
# The demo's own copy of the routes, with a short operational deadline for the lawyer request
# and for secure mail, so the fallback chain shows within seconds.
cp -r routes "$DEMO/routes"
sed -i 's|^  routes: ../../routes|  routes: routes|' "$DEMO/hub.yaml"
/usr/bin/python3 - "$DEMO/routes/wvggz.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
# the lawyer request of a crisis measure: fall back after 5 s instead of 30 min
s = re.sub(r"(product: verzoek-aanwijzing-advocaat\n\s+deadline: )30m", r"\g<1>5s", s, count=1)
open(p, "w").write(s)
PY
sed -i 's|^    deadline: 2h|    deadline: 10s|' "$DEMO/hub.yaml"
mkdir -p "$DEMO/secrets" "$DEMO/print-spool" "$DEMO/mail"
( umask 077; echo "demo-smtp-password" >"$DEMO/secrets/smtp.pass" )

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

PARTNERS=(om igj pvp rvr ciz)
declare -A SIM_PID
for port in 15672 18081 19441 19442 19443 19444 19445 12525; do
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
  SIM_PID[$p]=$!
  i=$((i + 1))
done

echo "== starting a mail catcher (SMTP with mandatory STARTTLS and AUTH on 127.0.0.1:12525)"
MAIL_CATCHER=(/usr/bin/python3 "$ROOT/tests/unit/securemail/smtp_test_server.py" --port 12525
  --cert "$DEMO/pki/partner-rvr.crt" --key "$DEMO/pki/partner-rvr.key" --store "$DEMO/mail"
  --log "$DEMO/mail/smtp.log" --user ketenhub --password demo-smtp-password)
"${MAIL_CATCHER[@]}" >"$DEMO/mail-catcher.log" 2>&1 &
MAIL_PID=$!
PIDS+=($MAIL_PID)

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

echo
echo "== the fallback chain: the legal aid board's coupling goes down"
kill -TERM "${SIM_PID[rvr]}"
wait "${SIM_PID[rvr]}" 2>/dev/null || true
# Waits until the rvr delivery of message $1 reaches a final state; prints channel and state.
wait_rvr() {
  local st=""
  for _ in $(seq 600); do
    st=$(sql "SELECT d.channel || ' ' || d.state FROM deliveries d JOIN events e ON e.id=d.event_id
      WHERE e.message_id='$1' AND d.partner='rvr' AND d.state IN ('delivered','dead')")
    [ -n "$st" ] && break
    sleep 0.1
  done
  echo "${st:-not final yet}"
}
echo "-- a new crisis measure; the lawyer request cannot reach the RvR and falls back after 5 s"
send "$EX/wvggz.crisismaatregel.genomen.json" --event-type wvggz.crisismaatregel.genomen \
  --case-id CM-0344-2026-000123 --actor burgemeester:0344:j.devries --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1b01
echo "rvr delivery: $(wait_rvr 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1b01)"
mail=$(ls "$DEMO/mail/"*.eml 2>/dev/null | head -1 || true)
if [ -n "$mail" ]; then
  echo "-- the mail the secure-mail gateway received ($mail):"
  /usr/bin/python3 "$ROOT/tests/unit/securemail/smtp_test_server.py" --inspect "$mail" |
    grep -E '^(subject|content_type|part)=' | sed 's/^/   /'
  if openssl cms -verify -CAfile "$DEMO/pki/ca.crt" -in "$mail" -out /dev/null 2>/dev/null; then
    echo "   S/MIME signature: verified against the test CA (openssl cms -verify)"
  else
    echo "   S/MIME signature: NOT verified"
  fi
fi
echo "-- the mail catcher stops too; the next lawyer request becomes a letter"
kill -TERM "$MAIL_PID"
wait "$MAIL_PID" 2>/dev/null || true
send "$EX/wvggz.crisismaatregel.genomen.json" --event-type wvggz.crisismaatregel.genomen \
  --case-id CM-0344-2026-000123 --actor burgemeester:0344:j.devries --message-id 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1b02
echo "rvr delivery: $(wait_rvr 7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1b02)"
pdf=$(ls "$DEMO/print-spool/"*.pdf 2>/dev/null | head -1 || true)
if [ -n "$pdf" ]; then
  echo "-- the letter for the print service: $pdf (manifest: ${pdf%.pdf}.json)"
  pdftotext -layout "$pdf" - | sed -n '1,30p' | sed 's/^/   /'
fi
echo
echo "== how each lawyer request went out (attempts per channel, every channel's reason)"
sql -header -column "SELECT e.case_id AS zaaknummer, d.channel, d.state, d.attempts,
  substr(d.reasons, 1, 110) AS reasons FROM deliveries d JOIN events e ON e.id = d.event_id
  WHERE d.partner = 'rvr' AND e.message_id LIKE '7f1c2a9e-0d1b-4f6a-9a51-3c3f5e0c1b%' ORDER BY d.seq"

echo
echo "== the audit trail (NEN 7513): hash-chained, the person only as a keyed hash"
"$BIN" audit verify --config "$DEMO/hub.yaml"
"$BIN" audit export --config "$DEMO/hub.yaml" --case CM-0344-2026-000123 --out "$DEMO/audit-CM-0344-2026-000123.json"
python3 - "$DEMO/audit-CM-0344-2026-000123.json" <<'PY'
import collections, json, sys
recs = json.load(open(sys.argv[1]))["records"]
steps = collections.Counter(r["action"] for r in recs)
print("case CM-0344-2026-000123: %d records: %s" % (len(recs), ", ".join("%s %d" % kv for kv in steps.items())))
PY
echo "(the whole case: $DEMO/audit-CM-0344-2026-000123.json; the trail: $DEMO/audit/)"
