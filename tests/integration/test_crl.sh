#!/usr/bin/env bash
# Certificate revocation per partner (tls.crl) and certificate expiry.
# A test CA (`openssl ca -gencrl`, deploy/pki/make-test-crl.sh) revokes the partner simulator's
# server certificate: deliveries fail transiently with "tls: certificate revoked", visible in the
# admin API's attempts, and nothing reaches the partner. A CRL that does not revoke it lets them
# through (the file is re-read at the refresh interval), until a newer CRL revokes it again, even
# with a connection kept alive. A CRL served over http keeps working
# from the cache while the distribution point is down, also across a restart. The partner's
# server certificate appears in ketenhub_certificate_expiry_seconds{role="partner_server"}, and a
# hub certificate expiring within 30 days gives a `config check` warning.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
P="$WORK/pki"
mkdir -p "$WORK/crl" "$WORK/www"
crl() { bash "$SRC/deploy/pki/make-test-crl.sh" "$P/ca.crt" "$P/ca.key" "$@"; }
crl "$WORK/crl/revoking.crl" "$P/partner-om.crt"
crl "$WORK/www/clean.crl" --der
cp "$WORK/crl/revoking.crl" "$WORK/crl/current.crl"

kh_start_sim om om
A() { echo "http://127.0.0.1:$ADMIN_PORT"; }

# 1. Revoked: refused in the handshake, transient, the reason in the attempts.
kh_config "$SIM_PORT_om" "      crl: [crl/current.crl]
      crl_refresh: 2s"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
revoked() { [ "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE reason='tls: certificate revoked'")" -ge 1 ]; }
kh_wait_until 15 revoked || kh_fail "no 'certificate revoked' attempt: $(kh_sql "SELECT reason FROM attempts")"
ID=$(kh_sql "SELECT delivery_id FROM deliveries LIMIT 1")
state=$(kh_sql "SELECT state FROM deliveries WHERE delivery_id='$ID'")
[[ "$state" == retry_wait || "$state" == in_flight || "$state" == pending ]] ||
  kh_fail "a revoked certificate is a transient failure; delivery state is $state"
curl -sf "$(A)/api/v1/messages/$ID" >"$WORK/message.json" || kh_fail "admin API message"
grep -q '"reason":"tls: certificate revoked"' "$WORK/message.json" ||
  kh_fail "admin API attempts lack the reason: $(cat "$WORK/message.json")"
kh_assert_eq "0" "$(kh_sim_lines om)" "products received through a revoked certificate"

# 2. The CRL file replaced by one that does not revoke it: re-read within crl_refresh, delivered.
cp "$WORK/www/clean.crl" "$WORK/crl/current.crl"
# N deliveries, every one delivered.
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$1" ] &&
  [ "$(kh_sql "SELECT COUNT(*) FROM deliveries")" -eq "$1" ]; }
kh_wait_until 15 delivered 1 || kh_fail "not delivered with a clean CRL: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "1" "$(kh_sim_unique om)" "deliveries received after the clean CRL"

# 2b. Revoked again while a verified connection is kept alive: the next delivery is refused
# (connections and TLS sessions verified with older CRLs are not reused).
updates_before=$(grep -c '"msg":"CRL updated"' "$WORK/hub.log" || true)
crl "$WORK/crl/current.crl" "$P/partner-om.crt"
updates() { [ "$(grep -c '"msg":"CRL updated"' "$WORK/hub.log")" -gt "$updates_before" ]; }
kh_wait_until 10 updates || kh_fail "the replaced CRL file was not re-read"
kh_send 1 >>"$WORK/send.log" 2>&1 || kh_fail "send"
revoked2() { [ "$(kh_sql "SELECT COUNT(*) FROM attempts a JOIN deliveries d ON a.delivery_seq = d.seq
  WHERE d.state != 'delivered' AND a.reason = 'tls: certificate revoked'")" -ge 1 ]; }
kh_wait_until 15 revoked2 || kh_fail "revoked again, yet: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "1" "$(kh_sim_unique om)" "deliveries received after the second revocation"

# 3. Expiry metric: the partner's server certificate seen in the handshake.
curl -sf "$(A)/metrics" >"$WORK/metrics.txt" || kh_fail "metrics"
grep -Eq '^ketenhub_certificate_expiry_seconds\{subject="CN=localhost, O=Test partner om, serialNumber=00000099000000000011",role="partner_server"\} [0-9]' "$WORK/metrics.txt" ||
  kh_fail "no partner_server expiry: $(grep certificate_expiry "$WORK/metrics.txt")"
grep -Eq '^ketenhub_certificate_expiry_seconds\{subject="CN=ketenhub test signing, [^"]*",role="signing"\} [0-9]' "$WORK/metrics.txt" ||
  kh_fail "no signing certificate expiry: $(grep certificate_expiry "$WORK/metrics.txt")"
grep -q '^ketenhub_certificate_expiry_timestamp_seconds{name="signing"}' "$WORK/metrics.txt" ||
  kh_fail "the existing expiry timestamp metric is gone"
kh_stop_pid "$HUB_PID"

# 4. A CRL distribution point over http: fetched, cached, used from the cache while it is down.
WWW_PORT=$(kh_free_port)
(cd "$WORK/www" && exec $PY -m http.server --bind 127.0.0.1 "$WWW_PORT") >"$WORK/www.log" 2>&1 &
WWW_PID=$!
PIDS+=($WWW_PID)
kh_wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$WWW_PORT/clean.crl" || kh_fail "http.server did not start"
sed -i "s|crl: \[crl/current.crl\]|crl: [\"http://127.0.0.1:$WWW_PORT/clean.crl\"]|" "$WORK/routes/partners.yaml"
kh_start_hub
kh_send 1 >>"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 15 delivered 3 || kh_fail "not delivered with the CRL from http: $(kh_sql "SELECT state, reason FROM deliveries")"
ls "$WORK"/crl-cache/om-*.crl >/dev/null 2>&1 || kh_fail "no cached copy of the downloaded CRL"
kh_stop_pid "$WWW_PID"
refresh_failed() { grep -q '"msg":"CRL refresh failed"' "$WORK/hub.log"; }
kh_wait_until 10 refresh_failed || kh_fail "no refresh failure logged while the distribution point is down"
kh_send_example wvggz.crisismaatregel.genomen crl-down-1
kh_wait_until 15 delivered 4 || kh_fail "not delivered from the cached CRL: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_stop_pid "$HUB_PID"
kh_start_hub  # still down: the copy on disk is used
kh_send_example wvggz.crisismaatregel.genomen crl-down-2
kh_wait_until 15 delivered 5 || kh_fail "not delivered from the disk cache after a restart: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_stop_pid "$HUB_PID"

# 5. config check: a hub certificate that expires within 30 days is a warning, not an error.
leaf() {  # NAME DAYS
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/$1.key" \
    -subj "/CN=ketenhub $1/O=Gemeente Test/serialNumber=00000099000000000001" -out "$P/$1.csr" 2>/dev/null
  printf 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >"$P/$1.ext"
  openssl x509 -req -sha256 -days "$2" -in "$P/$1.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$P/$1.ext" -out "$P/$1.crt" 2>/dev/null
  chmod 600 "$P/$1.key"
}
leaf short-lived 10
sed -i "s|pki/hub-client.crt|pki/short-lived.crt|; s|pki/hub-client.key|pki/short-lived.key|" "$WORK/routes/partners.yaml"
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check refused a certificate that expires in 10 days: $(cat "$WORK/check.log")"
grep -Eq '^warning: .*\(partners\.om\.tls\.client_certificate\): certificate CN=ketenhub short-lived, O=Gemeente Test, serialNumber=00000099000000000001 \(role client\) expires in (9|10) days' "$WORK/check.log" ||
  kh_fail "no expiry warning: $(cat "$WORK/check.log")"
kh_pass
