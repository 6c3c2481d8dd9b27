#!/usr/bin/env bash
# amqps:// listen intakes: an event arrives over mutual TLS with SASL EXTERNAL (a client
# certificate from the configured CA; one from another CA is refused), and the NCSC profile holds. Proton negotiates TLS with its own cipher
# list, which its C++ API cannot narrow, so the hub refuses a session outside the profile right
# after the handshake (amqp:not-allowed, before any link gets credit). The client is a hand-written
# AMQP probe, because Proton's clients cannot pick a cipher either.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
TLS_PORT=$(kh_free_port)
MTLS_PORT=$(kh_free_port)
EXTRA_INTAKE="    - name: tls
      url: amqps://127.0.0.1:$TLS_PORT
      address: wvggz.events
      tls_certificate: pki/partner-om.crt
      tls_key: pki/partner-om.key
      sasl_mechanisms: [ANONYMOUS]
    - name: mtls
      url: amqps://127.0.0.1:$MTLS_PORT
      address: wvggz.events
      tls_certificate: pki/partner-om.crt
      tls_key: pki/partner-om.key
      tls_ca: pki/ca.crt
      sasl_mechanisms: [EXTERNAL]"
export EXTRA_INTAKE
kh_config 1
kh_start_hub

send_tls() {  # client-name message-id
  "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
    --url "amqps://localhost:$MTLS_PORT" --address wvggz.events \
    --ca "$WORK/pki/ca.crt" --cert "$WORK/pki/$1.crt" --key "$WORK/pki/$1.key" \
    --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
    --actor burgemeester:0344:test --message-id "$2"
}
send_tls hub-client amqps-1 >>"$WORK/send.log" 2>&1 || kh_fail "send over amqps with a client certificate"
kh_assert_eq "accepted" "$(kh_sql "SELECT state FROM events WHERE message_id='amqps-1'")" "event over amqps"
if send_tls rogue-client amqps-2 >>"$WORK/send.log" 2>&1; then
  kh_fail "a client certificate from another CA was accepted"
else
  grep -q "send: " "$WORK/send.log" || kh_fail "rogue send: no reason given"
  kh_log "rogue client: $(grep "send: " "$WORK/send.log" | tail -1)"
fi
kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM events WHERE message_id='amqps-2'")" "rogue client's event"
kh_log "mutual TLS + SASL EXTERNAL: accepted; client certificate from another CA: refused"

probe() { $PY "$SRC/tests/integration/amqps_probe.py" 127.0.0.1 "$TLS_PORT" "$WORK/pki/ca.crt" "$@"; }
expect() {  # expected-result tls-version [cipher]
  local want=$1
  shift
  local out
  out=$(probe "$@")
  [[ "$out" == *"result=$want"* ]] || kh_fail "TLS $*: expected $want, got: $out"
  kh_log "TLS $*: $(echo "$out" | tr '\n' ' ')"
}
expect open 1.3
expect open 1.2 ECDHE-ECDSA-AES128-GCM-SHA256
expect open 1.2 ECDHE-ECDSA-CHACHA20-POLY1305
expect refused:amqp:not-allowed 1.2 ECDHE-ECDSA-AES128-SHA256
expect refused:amqp:not-allowed 1.2 ECDHE-ECDSA-AES256-SHA384
expect refused:amqp:not-allowed 1.2 ECDHE-ECDSA-AES128-SHA
grep -q '"msg":"amqp connection refused: TLS outside the NCSC profile"' "$WORK/hub.log" ||
  kh_fail "refusal not logged"
kill -0 "$HUB_PID" || kh_fail "hub died"
kh_stop_pid "$HUB_PID"
kh_pass
