#!/usr/bin/env bash
# The operator API on the hub's admin listener, with hashed bearer tokens (viewer, operator):
# the auth matrix; a dead delivery listed, shown (attempts, status, reasons) and replayed with the
# same delivery id once the partner is back; pause holds a partner's deliveries and resume
# releases them; a quarantined event (no route) replayed after the route was added by
# POST /api/v1/reload; bulk replay honours its filter.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
VIEWER_TOKEN="viewer-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
OPERATOR_TOKEN="operator-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
SECOND_TOKEN="second-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

kh_start_sim om400 om --status 400
kh_config "$SIM_PORT_om400"
cat >"$WORK/tokens" <<EOT
# name role sha256 of the token
night.viewer viewer sha256:$(hash "$VIEWER_TOKEN")
alice.operator operator sha256:$(hash "$OPERATOR_TOKEN")
bob.operator operator sha256:$(hash "$SECOND_TOKEN")
EOT
grep -q "$VIEWER_TOKEN\|$OPERATOR_TOKEN" "$WORK/tokens" && kh_fail "a token in clear in the tokens file"
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"
kh_start_hub
A="http://127.0.0.1:$ADMIN_PORT"
code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
as_viewer=(-H "Authorization: Bearer $VIEWER_TOKEN")
as_operator=(-H "Authorization: Bearer $OPERATOR_TOKEN")
as_second=(-H "Authorization: Bearer $SECOND_TOKEN")

# ---- auth matrix
for open in /healthz /readyz /metrics; do
  kh_assert_eq 200 "$(code "$A$open")" "open endpoint $open without a token"
done
kh_assert_eq 401 "$(code "$A/api/v1/status")" "status without a token"
kh_assert_eq 401 "$(code -H 'Authorization: Bearer wrong' "$A/api/v1/messages")" "a wrong token"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/status")" "status as viewer"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/endpoints")" "endpoints as viewer"
for m in "/api/v1/messages/x/replay" "/api/v1/replay" "/api/v1/partners/om/pause" \
         "/api/v1/partners/om/resume" "/api/v1/quarantine/x/replay" "/api/v1/reload"; do
  kh_assert_eq 403 "$(code -X POST "${as_viewer[@]}" "$A$m")" "viewer on POST $m"
  kh_assert_eq 401 "$(code -X POST "$A$m")" "no token on POST $m"
done
kh_assert_eq 405 "$(code "${as_viewer[@]}" "$A/api/v1/reload")" "GET on a POST endpoint"
# DNS rebinding: a request naming another host is refused, even with a token.
kh_assert_eq 421 "$(code -H 'Host: evil.example:8081' "${as_viewer[@]}" "$A/api/v1/status")" "foreign Host"

# ---- a dead delivery: listed, shown, replayed once the partner is back
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 1 ]; }
kh_wait_until 30 dead || kh_fail "not dead: $(kh_sql "SELECT state, reason FROM deliveries")"
ID=$(kh_sql "SELECT delivery_id FROM deliveries")
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/messages?state=dead&partner=om")" "list dead"
$PY - "$WORK/body" "$ID" <<'PY' || kh_fail "list: $(cat "$WORK/body")"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert [i["delivery_id"] for i in items] == [sys.argv[2]], items
assert items[0]["state"] == "dead" and "HTTP 400" in items[0]["reason"], items[0]
PY
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/messages/$ID")" "show"
$PY - "$WORK/body" <<'PY' || kh_fail "show: $(cat "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["attempts"][0]["http_status"] == 400 and d["attempts"][0]["channel"] == "rest-xml", d
assert len(d["product_sha256"]) == 64, d
assert d["event"]["message_id"] and "body" not in d["event"], d
PY
kh_assert_eq 403 "$(code "${as_viewer[@]}" "$A/api/v1/messages/$ID?payload=1")" "payload as viewer"
kh_assert_eq 404 "$(code -X POST "${as_operator[@]}" "$A/api/v1/messages/nope/replay")" "replay unknown"
kh_stop_pid "$SIM_PID_om400"
SIM_LISTEN_PORT=$SIM_PORT_om400 kh_start_sim om200 om
kh_assert_eq 202 "$(code -X POST "${as_operator[@]}" "$A/api/v1/messages/$ID/replay")" "replay as operator"
delivered() { [ "$(kh_sql "SELECT state FROM deliveries WHERE delivery_id='$ID'")" = delivered ]; }
kh_wait_until 30 delivered || kh_fail "replayed delivery not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq 1 "$(kh_sim_unique om200)" "the partner got the replayed delivery once"
grep -q "\"delivery_id\":\"$ID\"" "$WORK/sim-om200/received.jsonl" || kh_fail "not the same delivery id at the partner"
kh_assert_eq 409 "$(code -X POST "${as_operator[@]}" "$A/api/v1/messages/$ID/replay")" "replay of a delivered one"
grep -q '"msg":"operator action".*"action":"replayed".*"operator":"alice.operator"' "$WORK/hub.log" ||
  kh_fail "replay not logged with the operator's identity"

# ---- status: recent activity, the last error, certificate expiry; the expiry metric
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/status")" "status"
$PY - "$WORK/body" <<'PY' || kh_fail "status fields: $(cat "$WORK/body")"
import json, sys
st = json.load(open(sys.argv[1]))
om = st["partners"]["om"]
assert om["delivered_1h"] == 1 and om["failed_1h"] == 1, om
assert "HTTP 400" in om["last_error"], om
assert om["client_certificate_expires"].endswith("Z") and om["trust_anchor_expires"], om
assert st["signing_certificate_expires"], st
PY
curl -sf "$A/metrics" | grep '^ketenhub_certificate_expiry_timestamp_seconds{name="signing"} ' >/dev/null ||
  kh_fail "no certificate expiry metric"

# ---- pause holds, resume releases
kh_assert_eq 200 "$(code -X POST "${as_operator[@]}" "$A/api/v1/partners/om/pause")" "pause"
kh_send 3 >"$WORK/send.log" 2>&1 || kh_fail "send"
sleep 2  # nothing may be claimed while paused (checked after a while, not for timing)
kh_assert_eq 3 "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='pending'")" "held while paused: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY 1") $(kh_sql "SELECT * FROM partner_pauses")"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/status")" "status"
grep -q '"om":{[^}]*"paused":true' "$WORK/body" || grep -q '"paused":true' "$WORK/body" || kh_fail "status does not say paused: $(cat "$WORK/body")"
kh_assert_eq 200 "$(code -X POST "${as_operator[@]}" "$A/api/v1/partners/om/resume")" "resume"
all4() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 4 ]; }
kh_wait_until 30 all4 || kh_fail "resume did not release: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY 1")"

# ---- bulk replay: only what the filter names, at most `rate` per second
kh_stop_pid "$SIM_PID_om200"
SIM_LISTEN_PORT=$SIM_PORT_om400 kh_start_sim om400b om --status 400
kh_send 3 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead3() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 3 ]; }
kh_wait_until 30 dead3 || kh_fail "not 3 dead: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY 1")"
kh_stop_pid "$SIM_PID_om400b"
SIM_LISTEN_PORT=$SIM_PORT_om400 kh_start_sim om200b om
kh_assert_eq 202 "$(code -X POST "${as_operator[@]}" "$A/api/v1/replay?partner=igj&rate=2")" "bulk replay, other partner"
grep -q '"replayed":0' "$WORK/body" || kh_fail "the filter was not honoured: $(cat "$WORK/body")"
T_REPLAY=$(date +%s%3N)
kh_assert_eq 202 "$(code -X POST "${as_operator[@]}" "$A/api/v1/replay?partner=om&rate=2")" "bulk replay"
grep -q '"replayed":3' "$WORK/body" || kh_fail "bulk replay: $(cat "$WORK/body")"
all7() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 7 ]; }
kh_wait_until 30 all7 || kh_fail "bulk replay not delivered: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY 1")"
# At 2 per second the third replayed delivery is due 1 s after the replay (the scheduler never
# claims before next_at: a lower bound, not a timing guess).
kh_assert_eq 3 "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE started_at>=$T_REPLAY")" "attempts after the bulk replay"
last=$(kh_sql "SELECT MAX(started_at) - $T_REPLAY FROM attempts WHERE started_at>=$T_REPLAY")
[ "${last:-0}" -ge 990 ] || kh_fail "bulk replay not spread at 2/s: the last attempt ${last} ms after the replay"

# ---- quarantine: no route; the route added and reloaded; replayed -> routed
"$BIN" send "$SRC/examples/events/wzd.inbewaringstelling.genomen.json" \
  --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events --event-type wzd.inbewaringstelling.genomen \
  --case-id IBS-0344-2026-000077 --actor burgemeester:0344:test --message-id q-1 >"$WORK/send.log" 2>&1 || kh_fail "send wzd"
quarantined() { [ "$(kh_sql "SELECT state FROM events WHERE message_id='q-1'")" = quarantined ]; }
kh_wait_until 20 quarantined || kh_fail "not quarantined"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/quarantine")" "list quarantine"
grep -q '"message_id":"q-1"' "$WORK/body" || kh_fail "quarantine list: $(cat "$WORK/body")"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/quarantine/q-1")" "show quarantined"
kh_assert_eq 200 "$(code -X POST "${as_operator[@]}" "$A/api/v1/quarantine/q-1/replay")" "replay before the fix"
grep -q '"outcome":"quarantined"' "$WORK/body" || kh_fail "replay before the fix: $(cat "$WORK/body")"
cat >"$WORK/routes/wzd.yaml" <<YAML
routes:
  - event_type: wzd.inbewaringstelling.genomen
    deliver:
      - partner: om
        product: kennisgeving-crisismaatregel
YAML
kh_assert_eq 200 "$(code -X POST "${as_operator[@]}" "$A/api/v1/reload")" "reload"
kh_assert_eq 200 "$(code -X POST "${as_operator[@]}" "$A/api/v1/quarantine/q-1/replay")" "replay after the fix"
grep -q '"outcome":"routed"' "$WORK/body" || kh_fail "replay after the fix: $(cat "$WORK/body")"
kh_assert_eq accepted "$(kh_sql "SELECT state FROM events WHERE message_id='q-1'")" "event state after replay"
kh_assert_eq 1 "$(kh_sql "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='q-1'")" "planned after replay"
# ---- four eyes: a correction proposed by one operator is approved by another, never by itself
$PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/broken.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
del ev["besluit"]
json.dump(ev, open(sys.argv[2], "w"))
PY
"$BIN" send "$WORK/broken.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
  --actor burgemeester:0344:test --message-id q-2 >"$WORK/send.log" 2>&1 || kh_fail "send broken"
q2() { [ "$(kh_sql "SELECT state FROM events WHERE message_id='q-2'")" = quarantined ]; }
kh_wait_until 20 q2 || kh_fail "the broken event was not quarantined"
kh_assert_eq 201 "$(code -X POST "${as_operator[@]}" -H 'Content-Type: application/json' \
  --data-binary @"$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
  "$A/api/v1/quarantine/q-2/proposals")" "propose a correction"
PID=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["proposal_id"])' "$WORK/body")
kh_assert_eq 403 "$(code -X POST "${as_operator[@]}" "$A/api/v1/quarantine/q-2/proposals/$PID/approve")" "approve own correction"
kh_assert_eq 403 "$(code -X POST "${as_viewer[@]}" "$A/api/v1/quarantine/q-2/proposals/$PID/approve")" "viewer approves"
kh_assert_eq 200 "$(code "${as_viewer[@]}" "$A/api/v1/quarantine/q-2/proposals")" "list proposals"
grep -q '"changed":\["/besluit"\]' "$WORK/body" || kh_fail "proposal diff: $(cat "$WORK/body")"
kh_assert_eq 200 "$(code -X POST "${as_second[@]}" "$A/api/v1/quarantine/q-2/proposals/$PID/approve")" "approve by another operator"
grep -q '"outcome":"routed"' "$WORK/body" || kh_fail "approved correction: $(cat "$WORK/body")"
kh_assert_eq "alice.operator|bob.operator" "$(kh_sql "SELECT proposed_by, approved_by FROM quarantine_proposals")" "both identities kept"
grep -q '"action":"correction approved".*"operator":"bob.operator".*"proposed_by":"alice.operator"' "$WORK/hub.log" ||
  kh_fail "the approval is not logged with both identities"
! grep -q 'Pieter Jan\|999990019' "$WORK/hub.log" || kh_fail "personal data in the hub log"
# A refused configuration is reported, and the running one stays.
echo "routes: [" >"$WORK/routes/broken.yaml"
kh_assert_eq 422 "$(code -X POST "${as_operator[@]}" "$A/api/v1/reload")" "refused reload"
grep -q '"errors"' "$WORK/body" || kh_fail "refused reload without errors: $(cat "$WORK/body")"
rm -f "$WORK/routes/broken.yaml"
kh_pass
