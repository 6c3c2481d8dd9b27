#!/usr/bin/env bash
# amqps:// listen intakes: an event arrives over mutual TLS with SASL EXTERNAL (a client
# certificate from the configured CA; one from another CA is refused), and the listener offers
# only the NCSC profile "ncsc-sufficient": a scan over every TLS 1.2 suite OpenSSL knows, TLS 1.0
# and 1.1, every TLS 1.3 suite and single key-exchange groups completes a handshake only with TLS
# 1.2 ECDHE + AES-GCM/ChaCha20-Poly1305, TLS 1.3 AES-GCM/ChaCha20 and X25519/P-256/P-384/P-521;
# everything else fails in the handshake itself. A second listener with an RSA certificate covers
# the RSA-authenticated suites (static RSA, DHE-RSA, ECDHE-RSA). An AMQP session over an allowed
# suite opens. The clients are hand-written (tls_scan.py, amqps_probe.py), because Proton's clients
# cannot pick a cipher.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
openssl req -x509 -newkey rsa:3072 -nodes -subj /CN=localhost -days 1 \
  -keyout "$WORK/pki/rsa-server.key" -out "$WORK/pki/rsa-server.crt" 2>/dev/null ||
  kh_fail "cannot make the RSA server certificate"
chmod 600 "$WORK/pki/rsa-server.key"
TLS_PORT=$(kh_free_port)
MTLS_PORT=$(kh_free_port)
RSA_PORT=$(kh_free_port)
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
      sasl_mechanisms: [EXTERNAL]
    - name: tls-rsa
      url: amqps://127.0.0.1:$RSA_PORT
      address: wvggz.events
      tls_certificate: pki/rsa-server.crt
      tls_key: pki/rsa-server.key
      sasl_mechanisms: [ANONYMOUS]"
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

# The scan. ok lines are completed handshakes; the expected sets are the NCSC profile.
scan() {  # name port ca
  $PY "$SRC/tests/integration/tls_scan.py" 127.0.0.1 "$2" "$3" >"$WORK/scan-$1.txt" ||
    kh_fail "tls_scan against $1 did not run"
}
accepted() {  # name version kind: the names that completed a handshake, sorted, one line
  awk -v v="$2" -v k="$3" '$1 == "ok" && $2 == v && $3 == k { print $4 }' "$WORK/scan-$1.txt" |
    sort | tr '\n' ' ' | sed 's/ $//'
}
check_scan() {  # name expected-tls12-ciphers expected-tls12-groups
  local name=$1 tried old
  tried=$(wc -l <"$WORK/scan-$name.txt")
  kh_log "scan $name: $tried handshakes tried, $(grep -c '^ok' "$WORK/scan-$name.txt") completed"
  kh_log "  TLS 1.2 ciphers: $(accepted "$name" TLSv1.2 cipher)"
  old=$(awk '$1 == "ok" && $3 == "version" { print $2 }' "$WORK/scan-$name.txt" | tr '\n' ' ')
  kh_log "  TLS 1.0/1.1: ${old:-none}"
  kh_log "  TLS 1.3 suites: $(accepted "$name" TLSv1.3 suite)"
  kh_log "  groups: TLS 1.3 $(accepted "$name" TLSv1.3 group);" \
    "TLS 1.2 $(accepted "$name" TLSv1.2 group)"
  kh_log "  failures by reason: $(awk '$1 == "fail" { print $5 }' "$WORK/scan-$name.txt" |
    sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')"
  [ "$tried" -gt 90 ] || kh_fail "scan $name: only $tried offers tried"
  kh_assert_eq "$2" "$(accepted "$name" TLSv1.2 cipher)" \
    "scan $name: TLS 1.2 suites with a handshake"
  kh_assert_eq "" "$old" "scan $name: TLS 1.0/1.1 handshakes"
  kh_assert_eq "TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256" \
    "$(accepted "$name" TLSv1.3 suite)" "scan $name: TLS 1.3 suites with a handshake"
  kh_assert_eq "P-256 P-384 P-521 X25519" "$(accepted "$name" TLSv1.3 group)" \
    "scan $name: TLS 1.3 groups with a handshake"
  kh_assert_eq "$3" "$(accepted "$name" TLSv1.2 group)" \
    "scan $name: TLS 1.2 groups with a handshake"
  # Representatives of each family outside the profile were really tried, and refused: static
  # RSA (GCM and CBC), DHE, ECDHE with CBC, anonymous.
  for suite in AES128-GCM-SHA256 AES256-SHA DHE-RSA-AES128-GCM-SHA256 DHE-RSA-AES256-SHA256 \
    ECDHE-ECDSA-AES128-SHA ECDHE-RSA-AES256-SHA384 ADH-AES128-GCM-SHA256 AECDH-AES256-SHA; do
    grep -q "^fail TLSv1.2 cipher $suite " "$WORK/scan-$name.txt" ||
      kh_fail "scan $name: $suite not refused"
  done
}
scan ecdsa "$TLS_PORT" "$WORK/pki/ca.crt"
scan rsa "$RSA_PORT" "$WORK/pki/rsa-server.crt"
# In TLS 1.2 the groups a client offers also bound the curve of an ECDSA certificate (P-256 here):
# the TLS 1.2 groups are scanned for real through the RSA listener.
check_scan ecdsa \
  "ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305" \
  "P-256"
check_scan rsa \
  "ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305" \
  "P-256 P-384 P-521 X25519"

# The mutual-TLS listener (its own TLS context) is narrowed too.
mtls_handshake() {  # tls-version-option cipher
  openssl s_client -connect "127.0.0.1:$MTLS_PORT" -servername localhost \
    -CAfile "$WORK/pki/ca.crt" -cert "$WORK/pki/hub-client.crt" -key "$WORK/pki/hub-client.key" \
    -verify_return_error -brief "$1" -cipher "$2:@SECLEVEL=0" </dev/null 2>&1 |
    grep -q "CONNECTION ESTABLISHED"
}
mtls_handshake -tls1_2 ECDHE-ECDSA-AES256-GCM-SHA384 ||
  kh_fail "mutual TLS: an allowed suite failed"
for suite in ECDHE-ECDSA-AES256-SHA384 ECDHE-ECDSA-AES128-CCM ECDHE-ECDSA-CAMELLIA128-SHA256; do
  ! mtls_handshake -tls1_2 "$suite" || kh_fail "mutual TLS: $suite completed a handshake"
done
! mtls_handshake -tls1_1 ALL || kh_fail "mutual TLS: TLS 1.1 completed a handshake"
kh_log "mutual TLS listener: only the profile completes a handshake"

# AMQP over the allowed suites opens; a suite outside the profile fails in the handshake (the hub's
# post-handshake check stays as a second line of defence and is not reached).
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
expect handshake-failed 1.2 ECDHE-ECDSA-AES128-SHA256
expect handshake-failed 1.2 ECDHE-ECDSA-AES128-SHA
if grep -q '"msg":"amqp connection refused: TLS outside the NCSC profile"' "$WORK/hub.log"; then
  kh_fail "a session outside the profile got past the handshake"
fi
kill -0 "$HUB_PID" || kh_fail "hub died"
kh_stop_pid "$HUB_PID"
kh_pass
