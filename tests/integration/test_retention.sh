#!/usr/bin/env bash
# Payload retention (retention.payload_days: 1). The hub has no clock to wind forward, so time is
# made to pass the honest way round: with the hub stopped, the stored times of some events (their
# receipt, their deliveries' final states, a proposal) are moved two days back; at the next start
# the purge that runs at once removes exactly their payloads: the event bodies, the proposal's
# bodies and the signed products, while ids, states, hashes and reasons stay and a young event
# keeps its body. The API then says the payload was purged by retention (never an empty body),
# refuses to replay the purged dead delivery and quarantined event (409), and status, metrics, the
# log and one `payload_purged` audit record report the counts; the trail stays intact. A
# configuration with payload_days 0 is refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
OPERATOR_TOKEN="operator-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

kh_start_sim om400 om --status 400
kh_config "$SIM_PORT_om400"
printf 'alice.operator operator sha256:%s\n' "$(printf %s "$OPERATOR_TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/tokens"
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"
printf 'retention:\n  payload_days: 1\n' >>"$WORK/hub.yaml"

# payload_days must be at least one day.
for bad in 0 -3; do
  sed "s|payload_days: 1|payload_days: $bad|" "$WORK/hub.yaml" >"$WORK/hub-bad.yaml"
  if "$BIN" config check --config "$WORK/hub-bad.yaml" >"$WORK/check.log" 2>&1; then
    kh_fail "config check accepted payload_days: $bad"
  fi
  grep -q 'retention.payload_days.*between 1 and 3650' "$WORK/check.log" ||
    kh_fail "payload_days $bad: $(cat "$WORK/check.log")"
done
rm -f "$WORK/hub-bad.yaml"

kh_start_hub
A="http://127.0.0.1:$ADMIN_PORT"
code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
as_operator=(-H "Authorization: Bearer $OPERATOR_TOKEN")
send() {  # MESSAGE-ID [send args...]
  local id=$1
  shift
  "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
    --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
    --actor burgemeester:0344:test --message-id "$id" "$@" >>"$WORK/send.log" 2>&1 || kh_fail "send $id"
}
state_of() { kh_sql "SELECT d.state FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='$1'"; }

# m-dead: refused by the partner (dead); m-old: delivered; q-old: quarantined, with a proposal.
send m-dead
is_dead() { [ "$(state_of m-dead)" = dead ]; }
kh_wait_until 30 is_dead || kh_fail "m-dead not dead: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_stop_pid "$SIM_PID_om400"
SIM_LISTEN_PORT=$SIM_PORT_om400 kh_start_sim om200 om
send m-old
is_delivered() { [ "$(state_of "$1")" = delivered ]; }
kh_wait_until 30 is_delivered m-old || kh_fail "m-old not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
send q-old --event-type no.such.type
quarantined() { [ "$(kh_sql "SELECT state FROM events WHERE message_id='q-old'")" = quarantined ]; }
kh_wait_until 20 quarantined || kh_fail "q-old not quarantined"
kh_assert_eq 201 "$(code -X POST "${as_operator[@]}" -H 'Content-Type: application/json' \
  --data-binary @"$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
  "$A/api/v1/quarantine/q-old/proposals")" "propose a correction"
# m-young: delivered now; it keeps its body.
send m-young
kh_wait_until 30 is_delivered m-young || kh_fail "m-young not delivered"
DEAD_ID=$(kh_sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='m-dead'")
OLD_ID=$(kh_sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='m-old'")
YOUNG_ID=$(kh_sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='m-young'")
OLD_SHA=$(kh_sql "SELECT product_sha256 FROM deliveries WHERE delivery_id='$OLD_ID'")
[ ${#OLD_SHA} -eq 64 ] || kh_fail "no product hash for m-old: '$OLD_SHA'"
grep -q '"msg":"payload retention: purged".*"events":0' "$WORK/hub.log" ||
  kh_fail "no retention run at start, or it purged something young"

# Two days pass for m-dead, m-old and q-old (and the proposal), while the hub is stopped.
kh_stop_pid "$HUB_PID"
OLD="'m-dead','m-old','q-old'"
kh_sql "UPDATE events SET received_at=received_at-172800000 WHERE message_id IN ($OLD);
  UPDATE deliveries SET created_at=created_at-172800000, updated_at=updated_at-172800000,
    final_at=final_at-172800000 WHERE event_id IN (SELECT id FROM events WHERE message_id IN ($OLD));
  UPDATE attempts SET started_at=started_at-172800000, finished_at=finished_at-172800000
    WHERE delivery_seq IN (SELECT seq FROM deliveries WHERE event_id IN
      (SELECT id FROM events WHERE message_id IN ($OLD)));
  UPDATE quarantine_proposals SET proposed_at=proposed_at-172800000 WHERE message_id='q-old';"
FROM_LINE=$(($(wc -l <"$WORK/hub.log") + 1))
kh_start_hub
A="http://127.0.0.1:$ADMIN_PORT"
purged_run() { tail -n +"$FROM_LINE" "$WORK/hub.log" | grep -q '"msg":"payload retention: purged"'; }
kh_wait_until 20 purged_run || kh_fail "no retention run after the restart"
tail -n +"$FROM_LINE" "$WORK/hub.log" | grep '"msg":"payload retention: purged"' >"$WORK/run.log"
grep -q '"payload_days":1.*"events":3,"proposals":1' "$WORK/run.log" || kh_fail "retention run: $(cat "$WORK/run.log")"

# The store: the three bodies and the proposal's bodies are gone, the young one stays; no signed
# product of the old deliveries is left; ids, states, hashes and reasons stay.
kh_assert_eq 3 "$(kh_sql "SELECT COUNT(*) FROM events WHERE message_id IN ($OLD) AND body IS NULL AND payload_purged_at IS NOT NULL")" "purged bodies"
kh_assert_eq 1 "$(kh_sql "SELECT COUNT(*) FROM events WHERE message_id='m-young' AND length(body)>0 AND payload_purged_at IS NULL")" "the young body"
kh_assert_eq "0|0" "$(kh_sql "SELECT length(original), length(corrected) FROM quarantine_proposals WHERE message_id='q-old'")" "proposal bodies"
kh_assert_eq 0 "$(kh_sql "SELECT COUNT(*) FROM products WHERE delivery_seq IN (SELECT seq FROM deliveries WHERE delivery_id IN ('$DEAD_ID','$OLD_ID'))")" "old products"
kh_assert_eq "dead|delivered|$OLD_SHA" "$(kh_sql "SELECT (SELECT state FROM deliveries WHERE delivery_id='$DEAD_ID'), state, product_sha256 FROM deliveries WHERE delivery_id='$OLD_ID'")" "states and hashes kept"
kh_assert_eq "quarantined|1" "$(kh_sql "SELECT state, length(reason)>0 FROM events WHERE message_id='q-old'")" "the quarantine kept"

# The API says so, and does not replay what it cannot send.
kh_assert_eq 200 "$(code "${as_operator[@]}" "$A/api/v1/messages/$DEAD_ID?payload=1")" "show purged payload"
$PY - "$WORK/body" <<'PY' || kh_fail "purged delivery: $(cat "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["event"]["payload"].startswith("purged by retention on 20"), d["event"]
assert "body" not in d["event"], d["event"]
assert d["payload_purged_at"] and d["event"]["payload_purged_at"], d
assert d["state"] == "dead" and d["attempts"] and "HTTP 400" in d["reason"], d
PY
kh_assert_eq 409 "$(code -X POST "${as_operator[@]}" "$A/api/v1/messages/$DEAD_ID/replay")" "replay a purged dead delivery"
grep -q 'payload purged by retention' "$WORK/body" || kh_fail "replay refusal: $(cat "$WORK/body")"
kh_assert_eq dead "$(kh_sql "SELECT state FROM deliveries WHERE delivery_id='$DEAD_ID'")" "still dead"
kh_assert_eq 202 "$(code -X POST "${as_operator[@]}" "$A/api/v1/replay?state=dead")" "bulk replay"
grep -q '"replayed":0.*"skipped_payload_purged":1' "$WORK/body" || kh_fail "bulk replay: $(cat "$WORK/body")"
kh_assert_eq 200 "$(code "${as_operator[@]}" "$A/api/v1/messages/$YOUNG_ID?payload=1")" "show young payload"
$PY - "$WORK/body" <<'PY' || kh_fail "young delivery: $(cat "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
assert json.loads(d["event"]["body"])["zaaknummer"], d["event"]
assert "payload" not in d["event"] and d["payload_purged_at"] is None, d
PY
kh_assert_eq 200 "$(code "${as_operator[@]}" "$A/api/v1/quarantine/q-old?payload=1")" "show purged quarantine"
grep -q '"payload":"purged by retention on ' "$WORK/body" || kh_fail "quarantine: $(cat "$WORK/body")"
grep -q '"body"' "$WORK/body" && kh_fail "an empty body shown: $(cat "$WORK/body")"
kh_assert_eq 409 "$(code -X POST "${as_operator[@]}" "$A/api/v1/quarantine/q-old/replay")" "replay a purged quarantined event"
grep -q 'payload purged by retention' "$WORK/body" || kh_fail "quarantine replay refusal: $(cat "$WORK/body")"
kh_assert_eq 200 "$(code "${as_operator[@]}" "$A/api/v1/quarantine/q-old/proposals")" "list proposals"
$PY - "$WORK/body" <<'PY' || kh_fail "proposals: $(cat "$WORK/body")"
import json, sys
p = json.load(open(sys.argv[1]))["items"][0]
assert p["payload"].startswith("purged by retention on "), p
assert p["original_sha256"] is None and p["corrected_sha256"] is None, p
assert p["proposed_by"] == "alice.operator", p
PY

# Status and metrics report the run.
kh_assert_eq 200 "$(code "${as_operator[@]}" "$A/api/v1/status")" "status"
$PY - "$WORK/body" <<'PY' || kh_fail "status: $(cat "$WORK/body")"
import json, sys
r = json.load(open(sys.argv[1]))["retention"]
assert r["payload_days"] == 1 and r["last_success_at"] and r["failures"] == 0, r
p = r["last_purged"]
assert p["events"] == 3 and p["proposals"] == 1 and p["outbox"] == 0, r
assert "last_error" not in r, r
PY
curl -sf "$A/metrics" >"$WORK/metrics" || kh_fail "metrics"
grep -q '^ketenhub_retention_purged_total{kind="event_body"} 3$' "$WORK/metrics" || kh_fail "metrics: $(grep retention "$WORK/metrics")"
grep -q '^ketenhub_retention_purged_total{kind="proposal_bodies"} 1$' "$WORK/metrics" || kh_fail "metrics: $(grep retention "$WORK/metrics")"
grep -q '^ketenhub_retention_last_success_timestamp_seconds [0-9]' "$WORK/metrics" || kh_fail "no last-success metric"
grep -q '^ketenhub_retention_failures_total 0$' "$WORK/metrics" || kh_fail "failures metric"

# One audit record for the purge, with the counts and nobody's data; the trail is intact.
$PY - "$WORK/audit" <<'PY' || kh_fail "audit"
import glob, json, sys
recs = [json.loads(l) for f in sorted(glob.glob(sys.argv[1] + "/audit-*.jsonl")) for l in open(f)]
purged = [r for r in recs if r["action"] == "payload_purged"]
assert len(purged) == 1, purged
p = purged[0]
assert p["outcome"] == "purged" and p["detail"].startswith("events=3;proposals=1;products="), p
assert p["message_id"] == "" and p["case_id"] == "" and p["person"] == "", p
PY
"$BIN" audit verify --config "$WORK/hub.yaml" >"$WORK/verify.log" 2>&1 || kh_fail "verify: $(cat "$WORK/verify.log")"
! grep -q '999990019' "$WORK/hub.log" || kh_fail "personal data in the hub log"
kh_pass
