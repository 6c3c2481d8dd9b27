#!/usr/bin/env bash
# An amqps:// listen intake holds to the NCSC profile. Proton negotiates TLS with its own cipher
# list, which its C++ API cannot narrow, so the hub refuses a session outside the profile right
# after the handshake (amqp:not-allowed, before any link gets credit). The client is a hand-written
# AMQP probe, because Proton's clients cannot pick a cipher either.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
TLS_PORT=$(kh_free_port)
EXTRA_INTAKE="    - name: tls
      url: amqps://127.0.0.1:$TLS_PORT
      address: wvggz.events
      tls_certificate: pki/partner-om.crt
      tls_key: pki/partner-om.key
      sasl_mechanisms: [ANONYMOUS]"
export EXTRA_INTAKE
kh_config 1
kh_start_hub

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
