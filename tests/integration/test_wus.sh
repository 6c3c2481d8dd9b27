#!/usr/bin/env bash
# digikoppeling-wus (SPEC §5, profile 2W-be) end to end: hub + partner-sim in WUS mode.
# 1. A product is delivered in a SOAP envelope; the sim checked the profile and verified the
#    signature of the Body child; the stored Body child verifies with `ketenhub verify`.
# 2. --soap-fault client: permanent, dead after one attempt, the fault in the reason.
# 3. --soap-fault server: transient, retried until the (short) deadline.
# 4. --bad-relates-to: the answer does not count, the delivery is retried, never delivered.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
export PARTNER_ADAPTER=digikoppeling-wus
WUS=(--adapter digikoppeling-wus)

# Fresh hub database and ports for the next scenario.
kh_next() {
  kh_stop_pid "$HUB_PID"
  rm -f "$WORK/ketenhub.db"*
  }

# 1. Delivered.
kh_start_sim om om "${WUS[@]}"
kh_config "$SIM_PORT_om"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send: $(cat "$WORK/send.log")"
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 1 ]; }
kh_wait_until 60 delivered || kh_fail "not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts"
id=$(kh_sql "SELECT delivery_id FROM deliveries")
line=$(cat "$WORK/sim-om/received.jsonl")
kh_assert_eq "$id" "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["delivery_id"])' "$line")" \
  "delivery id at the partner (wsa:MessageID without urn:uuid:)"
kh_assert_eq "True" "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["verified"])' "$line")" \
  "signature verified by the partner"
kh_assert_eq "kennisgeving-crisismaatregel" \
  "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["product"])' "$line")" "product from wsa:Action"
kh_sql "SELECT receipt FROM deliveries" | grep -q "<wsa:RelatesTo>urn:uuid:$id</wsa:RelatesTo>" ||
  kh_fail "receipt is not the SOAP response relating to urn:uuid:$id"
stored="$WORK/sim-om/$id.xml"
[ -f "$stored" ] || kh_fail "partner did not store $id.xml"
head -c 200 "$stored" | grep -q 'Envelope' && kh_fail "stored file is the envelope, not the Body child"
"$BIN" verify "$stored" --ca "$WORK/pki/ca.crt" >"$WORK/verify.log" 2>&1 ||
  kh_fail "stored Body child does not verify: $(cat "$WORK/verify.log")"
grep -q '"adapter":"digikoppeling-wus"' "$WORK/sim-om.log" || kh_fail "sim did not run in WUS mode"
kh_stop_pid "$SIM_PID_om"

# 2. SOAP fault Client: permanent.
kh_next
kh_start_sim client om "${WUS[@]}" --soap-fault client
kh_config "$SIM_PORT_client"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 1 ]; }
kh_wait_until 30 dead || kh_fail "Client fault did not end dead: $(kh_sql "SELECT state, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM deliveries")
[[ "$reason" == *"SOAP fault soap:Client"* && "$reason" == *DK0050* ]] ||
  kh_fail "dead reason '$reason' lacks the fault"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts for a Client fault"
kh_assert_eq "1" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE http_status=500 AND outcome='permanent_error'")" \
  "attempt recorded as permanent with HTTP 500"
kh_stop_pid "$SIM_PID_client"

# 3. SOAP fault Server: transient, retried until the deadline.
kh_next
kh_start_sim server om "${WUS[@]}" --soap-fault server
DEADLINE=4s kh_config "$SIM_PORT_server"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
retried() { [ "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE outcome='transient_error'")" -ge 2 ]; }
kh_wait_until 30 retried || kh_fail "Server fault not retried: $(kh_sql "SELECT state, attempts, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM attempts LIMIT 1")
[[ "$reason" == *"SOAP fault soap:Server"* && "$reason" == *DK0051* ]] ||
  kh_fail "attempt reason '$reason' lacks the Server fault"
finished() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('dead','fallback')")" -eq 1 ]; }
kh_wait_until 30 finished || kh_fail "did not end at the deadline: $(kh_sql "SELECT state, reason FROM deliveries")"
attempts=$(kh_sql "SELECT attempts FROM deliveries")
[ "$attempts" -ge 2 ] || kh_fail "attempts $attempts < 2 for a Server fault"
kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE outcome != 'transient_error'")" \
  "every attempt transient"
kh_stop_pid "$SIM_PID_server"

# 4. Wrong RelatesTo: the partner accepted it, but the answer does not count.
kh_next
kh_start_sim badrel om "${WUS[@]}" --bad-relates-to
DEADLINE=4s kh_config "$SIM_PORT_badrel"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 30 retried || kh_fail "wrong RelatesTo not retried: $(kh_sql "SELECT state, attempts, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM attempts LIMIT 1")
[[ "$reason" == *"wus: RelatesTo"*"does not match"* ]] || kh_fail "attempt reason '$reason' lacks the RelatesTo check"
kh_wait_until 30 finished || kh_fail "did not end at the deadline: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE outcome='delivered'")" "attempts counted as delivered"
[ "$(kh_sim_lines badrel)" -ge 2 ] || kh_fail "the partner did not receive the retries"
kh_assert_eq "1" "$(kh_sim_unique badrel)" "one delivery id across retries"
kh_pass
