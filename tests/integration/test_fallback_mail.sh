#!/usr/bin/env bash
# Fallback to secure mail, with real servers on loopback (aiosmtpd relay with STARTTLS + AUTH from
# the securemail unit tests, partner-sim):
#   1. partner down past the 2 s coupling deadline -> delivered by securemail: exactly one mail,
#      over TLS with AUTH; S/MIME verifies (openssl cms) with signingCertificateV2; subject
#      "<zaaknummer> – <step>"; the attachment is byte-equal to products.signed, its SHA-256 is
#      deliveries.product_sha256 and it passes `ketenhub verify`; no BSN, name or street in the
#      headers or text; channel/state/attempts as expected (rest-xml attempts, then securemail).
#   1b. partner too slow (request timeout) -> securemail: the simulator's copy, the attachment and
#      products.signed are the same bytes.
#   1c. partner answers 503 past the deadline -> securemail.
#   4. permanent partner error (400) with a 30 m deadline -> mailed at once.
#   5. SMTP 550 -> on to print at once (same product_sha256); SMTP 451 -> retried on securemail.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fallback_lib.sh"
T0=$SECONDS
kh_pki
mkdir -p "$WORK/print-spool"
OM_PORT=$(kh_free_port)  # nothing listens here in phase 1

# Event data that must never appear in a mail's headers or text.
read -r BSN VOORNAMEN GESLACHTSNAAM STRAAT STRAAT2 <<<"$($PY -c '
import json,sys; e=json.load(open(sys.argv[1]))["betrokkene"]
print(e["bsn"], e["voornamen"].split()[0], e["geslachtsnaam"], e["adres"]["straat"], e["verblijfplaats"]["adres"]["straat"])' "$EVENT_JSON")"
ZAAK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$EVENT_JSON")

# ---- 1. partner down -> securemail
kh_log "phase 1: partner down -> securemail"
fb_start_smtp ok normal
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" fb_config "$OM_PORT"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send: $(cat "$WORK/send.log")"
kh_wait_until 15 fb_state_is retry_wait || kh_fail "no retry_wait on the coupling: $(fb_state)"
kh_wait_until 20 fb_state_is delivered || kh_fail "not delivered by fallback: $(kh_sql "SELECT state, channel, reasons FROM deliveries")"
kh_assert_eq "delivered|securemail|1" "$(kh_sql "SELECT state, channel, channel_index FROM deliveries")" "state, channel, channel_index"
kh_assert_eq 1 "$(fb_smtp_count ok)" "mails at the relay"
grep -q '"tls": true' "$WORK/smtp-ok/1.json" && grep -q '"auth": true' "$WORK/smtp-ok/1.json" \
  || kh_fail "mail not over TLS with AUTH: $(cat "$WORK/smtp-ok/1.json")"
grep -q '"rcpt_tos": \["om@veilig.om.test"\]' "$WORK/smtp-ok/1.json" || kh_fail "recipient: $(cat "$WORK/smtp-ok/1.json")"
! grep -q '"tls": false' "$WORK/smtp-ok.jsonl" || kh_fail "an SMTP command came in clear: $(cat "$WORK/smtp-ok.jsonl")"
EML="$WORK/smtp-ok/1.eml"
out=$(openssl cms -verify -CAfile "$WORK/pki/ca.crt" -in "$EML" -out /dev/null 2>&1) || kh_fail "cms verify: $out"
[[ "$out" == *"CMS Verification successful"* ]] || kh_fail "cms verify: $out"
openssl cms -cmsout -print -in "$EML" | grep -q signingCertificateV2 || kh_fail "no signingCertificateV2 in the S/MIME signature"
$PY "$SMTP_SERVER" --inspect "$EML" >"$WORK/mail.txt"
kh_assert_eq "subject=$ZAAK $ENDASH Kennisgeving crisismaatregel" "$(grep '^subject=' "$WORK/mail.txt")" "subject"
# The attachment, the stored signed product and its hash.
$PY - "$EML" "$WORK/attachment.xml" <<'PYEOF' || kh_fail "no XML attachment"
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.compat32)
parts = [p for p in msg.walk() if p.get_content_type() == "application/xml" and p.get_filename()]
assert len(parts) == 1, len(parts)
open(sys.argv[2], "wb").write(parts[0].get_payload(decode=True))
PYEOF
kh_sql "SELECT hex(signed) FROM products" | xxd -r -p >"$WORK/product.xml"
[ -s "$WORK/product.xml" ] || kh_fail "no stored signed product"
cmp -s "$WORK/attachment.xml" "$WORK/product.xml" || kh_fail "attachment differs from products.signed"
SHA=$(sha256sum "$WORK/attachment.xml" | cut -d' ' -f1)
kh_assert_eq "$SHA" "$(kh_sql "SELECT product_sha256 FROM deliveries")" "product_sha256"
"$BIN" verify "$WORK/attachment.xml" --ca "$WORK/pki/ca.crt" >"$WORK/verify.log" 2>&1 || kh_fail "ketenhub verify: $(cat "$WORK/verify.log")"
# No personal data in headers (the part before the first blank line) nor in the text.
{ sed '/^\r\?$/q' "$EML"; grep '^subject=\|^text=' "$WORK/mail.txt"; } >"$WORK/mail-visible.txt"
for pd in "$BSN" "$VOORNAMEN" "$GESLACHTSNAAM" "$STRAAT" "$STRAAT2"; do
  ! grep -qi "$pd" "$WORK/mail-visible.txt" || kh_fail "mail header or text holds personal data '$pd'"
done
# Attempts: rest-xml ones (transient), then one securemail (delivered).
seqs=$(kh_sql "SELECT group_concat(channel || ':' || outcome, ' ') FROM (SELECT channel, outcome FROM attempts ORDER BY attempt)")
[[ "$seqs" =~ ^(rest-xml:transient_error\ )+securemail:delivered$ ]] || kh_fail "attempts: $seqs"
kh_log "phase 1 ok ($seqs)"

# ---- 1b. partner too slow (the hub gives up after 1 s; the simulator keeps what it got) ->
# securemail: the coupling and the mail carried the same signed bytes.
kh_log "phase 1b: partner too slow -> securemail, same signed bytes on both channels"
fb_fresh
kh_start_sim slow om --delay-ms 1500
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" fb_config "$SIM_PORT_slow"
sed -i 's/request: 10s}/request: 1s}/' "$WORK/routes/partners.yaml"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 20 fb_state_is delivered || kh_fail "not delivered by fallback: $(kh_sql "SELECT state, channel, reasons FROM deliveries")"
kh_assert_eq "delivered|securemail" "$(kh_sql "SELECT state, channel FROM deliveries")" "state, channel (slow partner)"
kh_assert_eq 2 "$(fb_smtp_count ok)" "mails at the relay"
D=$(kh_sql "SELECT delivery_id FROM deliveries")
kh_wait_until 5 test -s "$WORK/sim-slow/$D.xml" || kh_fail "the simulator kept no document for $D"
$PY - "$WORK/smtp-ok/2.eml" "$WORK/attachment-2.xml" <<'PYEOF' || kh_fail "no XML attachment"
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.compat32)
parts = [p for p in msg.walk() if p.get_content_type() == "application/xml" and p.get_filename()]
assert len(parts) == 1, len(parts)
open(sys.argv[2], "wb").write(parts[0].get_payload(decode=True))
PYEOF
kh_sql "SELECT hex(signed) FROM products" | xxd -r -p >"$WORK/product-2.xml"
cmp -s "$WORK/sim-slow/$D.xml" "$WORK/product-2.xml" || kh_fail "the coupling sent other bytes than products.signed"
cmp -s "$WORK/attachment-2.xml" "$WORK/product-2.xml" || kh_fail "the mail attached other bytes than products.signed"
kh_assert_eq "$(sha256sum "$WORK/product-2.xml" | cut -d' ' -f1)" "$(kh_sql "SELECT product_sha256 FROM deliveries")" "product_sha256 (slow partner)"
kh_stop_pid "$SIM_PID_slow"

# ---- 1c. partner answers 503 (Retry-After: 1) past the 2 s deadline -> securemail
kh_log "phase 1c: partner answers 503 -> securemail after the deadline"
fb_fresh
kh_start_sim s503 om --status 503
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" fb_config "$SIM_PORT_s503"
kh_start_hub
t=$SECONDS
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 20 fb_state_is delivered || kh_fail "not delivered by fallback after 503s: $(kh_sql "SELECT state, channel, reasons FROM deliveries")"
kh_log "mailed $((SECONDS - t)) s after the send"
kh_assert_eq "delivered|securemail" "$(kh_sql "SELECT state, channel FROM deliveries")" "state, channel (503)"
kh_assert_eq 3 "$(fb_smtp_count ok)" "mails at the relay"
seqs=$(kh_sql "SELECT group_concat(channel || ':' || outcome || ':' || http_status, ' ') FROM (SELECT * FROM attempts ORDER BY attempt)")
[[ "$seqs" =~ ^(rest-xml:transient_error:503\ )+securemail:delivered:0$ ]] || kh_fail "attempts (503): $seqs"
[[ "$(kh_sql "SELECT reasons FROM deliveries")" == "rest-xml: deadline passed"*503* ]] || kh_fail "reasons (503): $(kh_sql "SELECT reasons FROM deliveries")"
kh_stop_pid "$SIM_PID_s503"

# ---- 4. permanent partner error -> securemail at once, despite a 30 m coupling deadline
kh_log "phase 4: partner answers 400 -> securemail at once"
fb_fresh
kh_start_sim om om --status 400
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" FB_DEADLINE=30m fb_config "$SIM_PORT_om"
kh_start_hub
t=$SECONDS
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 10 fb_state_is delivered || kh_fail "not mailed within 10 s after a 400: $(kh_sql "SELECT state, channel, reasons FROM deliveries")"
kh_log "mailed $((SECONDS - t)) s after the send"
kh_assert_eq "delivered|securemail" "$(kh_sql "SELECT state, channel FROM deliveries")" "state, channel after a 400"
kh_assert_eq 4 "$(fb_smtp_count ok)" "mails at the relay"
kh_assert_eq "rest-xml:permanent_error:400 securemail:delivered:0" \
  "$(kh_sql "SELECT group_concat(channel || ':' || outcome || ':' || http_status, ' ') FROM (SELECT * FROM attempts ORDER BY attempt)")" "attempts after a 400"
[[ "$(kh_sql "SELECT reasons FROM deliveries")" == rest-xml:*400* ]] || kh_fail "reasons: $(kh_sql "SELECT reasons FROM deliveries")"

# ---- 5a. SMTP 550 -> print at once
kh_log "phase 5a: relay answers 550 -> print at once"
fb_fresh
fb_start_smtp r550 reply550
SMTP_URL="smtp://localhost:$SMTP_PORT_r550" FB_DEADLINE=30m fb_config "$SIM_PORT_om"
kh_start_hub
t=$SECONDS
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 15 fb_state_is delivered || kh_fail "not printed after a 550: $(kh_sql "SELECT state, channel, reasons FROM deliveries")"
kh_log "printed $((SECONDS - t)) s after the send"
kh_assert_eq "delivered|print|2" "$(kh_sql "SELECT state, channel, channel_index FROM deliveries")" "state, channel after a 550"
kh_assert_eq "rest-xml:permanent_error securemail:permanent_error print:delivered" \
  "$(kh_sql "SELECT group_concat(channel || ':' || outcome, ' ') FROM (SELECT * FROM attempts ORDER BY attempt)")" "attempts after a 550"
[[ "$(kh_sql "SELECT reasons FROM deliveries")" == *"securemail: "*550* ]] || kh_fail "reasons lack the 550: $(kh_sql "SELECT reasons FROM deliveries")"
kh_assert_eq 1 "$(find "$WORK/print-spool" -name '*.pdf' | wc -l)" "letters in the spool"
kh_assert_eq "$(kh_sql "SELECT product_sha256 FROM deliveries")" \
  "$($PY -c 'import json,glob,sys; print(json.load(open(glob.glob(sys.argv[1]+"/*.json")[0]))["product_sha256"])' "$WORK/print-spool")" "manifest product_sha256"
kh_assert_eq 0 "$(fb_smtp_count r550)" "mails stored by the 550 relay"

# ---- 5b. SMTP 451 -> retried on securemail (no move to print)
kh_log "phase 5b: relay answers 451 -> retried on securemail"
fb_fresh
rm -f "$WORK"/print-spool/*
fb_start_smtp r451 reply451
SMTP_URL="smtp://localhost:$SMTP_PORT_r451" FB_DEADLINE=30m fb_config "$SIM_PORT_om"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
retried() { [ "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE channel='securemail' AND outcome='transient_error'")" -ge 3 ]; }
kh_wait_until 15 retried || kh_fail "451 not retried: $(kh_sql "SELECT channel, outcome, reason FROM attempts")"
# Still on securemail (waiting for its next try, or in the middle of one), not moved to print.
kh_assert_eq "waiting|securemail|1" "$(kh_sql "SELECT CASE WHEN state IN ('fallback','in_flight') THEN 'waiting' ELSE state END, current_channel, channel_index FROM deliveries")" "state while the relay answers 451"
[[ "$(kh_sql "SELECT reason FROM attempts WHERE channel='securemail' LIMIT 1")" == *451* ]] || kh_fail "attempt reason lacks 451"
kh_assert_eq 0 "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE channel='print'")" "print attempts during 451"
kh_assert_eq 0 "$(find "$WORK/print-spool" -name '*.pdf' | wc -l)" "letters during 451"
kh_log "run time $((SECONDS - T0)) s"
kh_pass
