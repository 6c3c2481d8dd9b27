#!/usr/bin/env bash
# digikoppeling-wus (profile 2W-be) end to end: hub + partner-sim in WUS mode.
# 1. A product is delivered in a SOAP envelope; the sim checked the profile and verified the
#    signature of the Body child; the stored Body child verifies with `ketenhub verify`.
# 2. --soap-fault client: permanent, dead after one attempt, the fault in the reason.
# 3. --soap-fault server: transient, retried until the (short) deadline.
# 4. --bad-relates-to: the answer does not count, the delivery is retried, never delivered.
# 5. Actions from the partner's contract (wus: in partners.yaml): config check refuses an action
#    the WSDL lacks; the configured wsa:To, action and response action are used end to end.
# 6. --bad-action: the partner accepted it, but an answer with another wsa:Action is not a
#    receipt: permanent, dead after one attempt with the reason.
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
kh_stop_pid "$SIM_PID_badrel"

# 5. The partner's own actions, checked against its WSDL.
kh_next
ACTION=urn:om:ketenhub:kennisgeving-crisismaatregel:1
RESPONSE=urn:om:ketenhub:kennisgeving-crisismaatregel:ontvangen:1
kh_start_sim actions om "${WUS[@]}" --actions "kennisgeving-crisismaatregel=$ACTION" \
  --response-actions "kennisgeving-crisismaatregel=$RESPONSE"
WUS_YAML="    wus:
      to: urn:om:ketenhub:ontvanger
      wsdl: wsdl/om-test.wsdl
      products:
        kennisgeving-crisismaatregel:
          action: $ACTION
          response_action: $RESPONSE"
kh_config "$SIM_PORT_actions" "$WUS_YAML"
mkdir -p "$WORK/routes/wsdl"
write_wsdl() {  # write_wsdl INPUT_ACTION OUTPUT_ACTION
  cat >"$WORK/routes/wsdl/om-test.wsdl" <<WSDL
<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata" xmlns:tns="urn:om:test"
    targetNamespace="urn:om:test">
  <wsdl:portType name="Om">
    <wsdl:operation name="Kennisgeving">
      <wsdl:input message="tns:K" wsam:Action="$1"/>
      <wsdl:output message="tns:R" wsam:Action="$2"/>
    </wsdl:operation>
  </wsdl:portType>
</wsdl:definitions>
WSDL
}
write_wsdl "urn:om:ketenhub:other:1" "$RESPONSE"
if "$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1; then
  kh_fail "config check accepted an action the WSDL does not define"
fi
grep -q "routes/partners.yaml:[0-9]*:[0-9]* (partners.om.wus.products.kennisgeving-crisismaatregel.action): action '$ACTION' is not an input action of the WSDL.*(WSDL routes/wsdl/om-test.wsdl)" \
  "$WORK/check.log" || kh_fail "WSDL message: $(cat "$WORK/check.log")"
kh_log "$(grep -m1 "not an input action" "$WORK/check.log")"
write_wsdl "$ACTION" "$RESPONSE"
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 ||
  kh_fail "config check refused the WSDL that defines the action: $(cat "$WORK/check.log")"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 60 delivered || kh_fail "configured action not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts with configured actions"
line=$(cat "$WORK/sim-actions/received.jsonl")
kh_assert_eq "$ACTION" "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["action"])' "$line")" \
  "wsa:Action at the partner"
kh_assert_eq "kennisgeving-crisismaatregel" \
  "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["product"])' "$line")" "product from the configured action"
kh_sql "SELECT receipt FROM deliveries" | grep -q "<wsa:Action>$RESPONSE</wsa:Action>" ||
  kh_fail "receipt does not carry the configured response action"
kh_stop_pid "$SIM_PID_actions"

# 6. A wrong response action: accepted by the partner, but not a receipt.
kh_next
kh_start_sim badaction om "${WUS[@]}" --bad-action
DEADLINE=30s kh_config "$SIM_PORT_badaction"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 30 dead || kh_fail "wrong response action did not end dead: $(kh_sql "SELECT state, attempts, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM deliveries")
[[ "$reason" == *"wus: response wsa:Action 'urn:ketenhub:partner-sim:unexpected-action' is not the expected 'urn:ketenhub:om:kennisgeving-crisismaatregel:1Response'"* ]] ||
  kh_fail "dead reason '$reason' lacks the Action check"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts for a wrong response action"
kh_assert_eq "1" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE http_status=200 AND outcome='permanent_error'")" \
  "attempt recorded as permanent with HTTP 200"
kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE outcome='delivered'")" "attempts counted as delivered"
kh_assert_eq "" "$(kh_sql "SELECT COALESCE(receipt, '') FROM deliveries")" "receipt of a wrong response action"
kh_assert_eq "1" "$(kh_sim_lines badaction)" "the partner received it once"
kh_pass
