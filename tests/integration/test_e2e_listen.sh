#!/usr/bin/env bash
# End to end in listen mode: N events sent over AMQP with a Proton client (ketenhub send) arrive at
# partner-sim over mutual TLS, each exactly once, signed and schema-valid; the signed product
# verifies with `ketenhub verify` and with the xmlsec1 CLI.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-300}

kh_pki
kh_start_sim om om
kh_config "$SIM_PORT_om"
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check failed: $(cat "$WORK/check.log")"
kh_start_hub

kh_send "$N" >"$WORK/send.log" 2>&1 || kh_fail "send failed: $(cat "$WORK/send.log")"
grep -q "accepted=$N " "$WORK/send.log" || kh_fail "not all accepted: $(cat "$WORK/send.log")"

all_delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$N" ]; }
kh_wait_until 120 all_delivered ||
  kh_fail "delivered: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
kh_assert_eq "$N" "$(kh_sim_unique om)" "distinct delivery ids at partner-sim"
kh_assert_eq "$N" "$(kh_sim_lines om)" "requests received (exactly once each)"
kh_assert_eq "0" "$(grep -c '"verified":false' "$WORK/sim-om/received.jsonl" || true)" "unverified products"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(*) FROM events WHERE state='accepted'")" "accepted events"

# The hub's delivery ids are the ones partner-sim saw.
kh_sql "SELECT delivery_id FROM deliveries ORDER BY delivery_id" >"$WORK/hub-ids.txt"
$PY -c 'import json,sys; print("\n".join(sorted(json.loads(l)["delivery_id"] for l in open(sys.argv[1]))))' \
  "$WORK/sim-om/received.jsonl" >"$WORK/sim-ids.txt"
diff -q "$WORK/hub-ids.txt" "$WORK/sim-ids.txt" >/dev/null || kh_fail "delivery ids differ between hub and partner"

# A received product verifies the way a partner would, with our verifier and with xmlsec1.
xmls=("$WORK"/sim-om/*.xml)
one="${xmls[0]}"
"$BIN" verify "$one" --ca "$WORK/pki/ca.crt" >/dev/null || kh_fail "ketenhub verify failed on $one"
xmlsec1 --verify --trusted-pem "$WORK/pki/ca.crt" --enabled-reference-uris empty "$one" >/dev/null 2>&1 ||
  kh_fail "xmlsec1 --verify failed on $one"

# Sending the same message-id again is a counted duplicate, never delivered twice.
mid=$(kh_sql "SELECT message_id FROM events LIMIT 1")
case_id=$(kh_sql "SELECT case_id FROM events WHERE message_id='$mid'")
"$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" --url "amqp://127.0.0.1:$AMQP_PORT" \
  --address wvggz.events --event-type wvggz.crisismaatregel.genomen --case-id "$case_id" \
  --actor "burgemeester:0344:test" --message-id "$mid" >/dev/null 2>&1 || true
kh_assert_eq "1" "$(kh_sql "SELECT duplicates FROM events WHERE message_id='$mid'")" "duplicate counted"
sleep 1
kh_assert_eq "$N" "$(kh_sim_lines om)" "requests after the duplicate"

# Metrics carry the interface names.
curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" >"$WORK/metrics.txt"
grep -q 'ketenhub_events_received_total{event_type="wvggz.crisismaatregel.genomen",outcome="accepted"} '"$N" "$WORK/metrics.txt" ||
  kh_fail "metrics: $(grep events_received "$WORK/metrics.txt")"
grep -q 'ketenhub_events_received_total{event_type="wvggz.crisismaatregel.genomen",outcome="duplicate"} 1' "$WORK/metrics.txt" ||
  kh_fail "duplicate metric missing"

# No personal data in the hub's log: the example's BSN and names never appear.
! grep -E '999990019|Oudegracht|Dijk' "$WORK/hub.log" || kh_fail "personal data in hub.log"
kh_pass
