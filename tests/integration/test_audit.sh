#!/usr/bin/env bash
# The audit trail (NEN 7513) of a running hub: every step of two cases and the operator's
# actions are recorded, hash-chained and without a BSN in clear (the person as a keyed hash);
# `audit export --case` holds one case's steps and nothing of the other; with the day file made
# unwritable (immutable) intake stops and /readyz says why, and it resumes when the file is
# writable again, nothing lost; editing or deleting a record makes `audit verify` fail naming it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v chattr >/dev/null || kh_fail "chattr (e2fsprogs) is needed to make the audit file immutable"
kh_pki
kh_start_all_sims
kh_config_full
OPERATOR_TOKEN="operator-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf 'alice.operator operator sha256:%s\n' "$(printf %s "$OPERATOR_TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/tokens"
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"
AUDIT="$WORK/audit"
DAYFILE="$AUDIT/audit-$(date -u +%F).jsonl"
unlock() { chattr -i "$DAYFILE" 2>/dev/null || true; }
trap 'rc=$?; unlock; (exit $rc); kh_cleanup' EXIT
kh_start_hub
A="http://127.0.0.1:$ADMIN_PORT"
as_operator=(-H "Authorization: Bearer $OPERATOR_TOKEN")
[ -f "$WORK/audit-person.key" ] || kh_fail "no person-hash key created next to the store"
[ "$(stat -c %a "$WORK/audit-person.key")" = 600 ] || kh_fail "the person-hash key is not mode 0600"

kh_send_example wvggz.crisismaatregel.genomen cm-1
kh_send_example wzd.inbewaringstelling.genomen ibs-1
kh_send_example wzd.inbewaringstelling.genomen ibs-1  # a duplicate
"$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" --url "amqp://127.0.0.1:$AMQP_PORT" \
  --address wvggz.events --event-type no.such.type --case-id CM-0344-2026-000123 \
  --actor burgemeester:0344:test --message-id q-1 >>"$WORK/send.log" 2>&1 || kh_fail "send q-1"
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 7 ]; }
kh_wait_until 60 delivered || kh_fail "not delivered: $(kh_sql "SELECT partner, state, reason FROM deliveries")"

# Operator actions: pause and resume, a payload read, a reload.
for act in pause resume; do
  curl -sf -X POST "${as_operator[@]}" "$A/api/v1/partners/igj/$act" >/dev/null || kh_fail "$act"
done
ID=$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='om' AND case_id='CM-0344-2026-000123'")
curl -sf "${as_operator[@]}" "$A/api/v1/messages/$ID?payload=1" >/dev/null || kh_fail "payload read"
curl -sf -X POST "${as_operator[@]}" "$A/api/v1/reload" >/dev/null || kh_fail "reload"

"$BIN" audit verify --config "$WORK/hub.yaml" >"$WORK/verify.log" 2>&1 || kh_fail "verify: $(cat "$WORK/verify.log")"
grep -q "audit trail intact" "$WORK/verify.log" || kh_fail "verify says: $(cat "$WORK/verify.log")"
"$BIN" audit export --config "$WORK/hub.yaml" --case CM-0344-2026-000123 --out "$WORK/cm.json" \
  || kh_fail "export"
"$BIN" audit export --dir "$AUDIT" --case IBS-0344-2026-000077 >"$WORK/ibs.json" || kh_fail "export ibs"

$PY - "$AUDIT" "$WORK/audit-person.key" "$WORK/cm.json" "$WORK/ibs.json" "$SRC/examples/events" <<'PY' || kh_fail "audit content"
import glob, hashlib, hmac, json, os, sys
audit_dir, key_file, cm_file, ibs_file, events = sys.argv[1:]
text = "".join(open(f).read() for f in sorted(glob.glob(audit_dir + "/audit-*.jsonl")))
recs = [json.loads(l) for l in text.splitlines()]
fields = ["seq", "time", "instance", "oin", "action", "outcome", "message_id", "case_id", "user",
          "access_point", "partner", "channel", "product", "delivery_id", "person", "reason",
          "detail", "prev", "hash"]
for r in recs:
    assert list(r) == fields, r
    assert r["time"].endswith("Z") and len(r["time"]) == 24, r["time"]
# No BSN, name or street from the events in clear.
for f in glob.glob(events + "/*.json"):
    ev = json.load(open(f))
    b = ev["betrokkene"]
    for secret in [b["bsn"], b["geslachtsnaam"], b.get("adres", {}).get("straat", "")]:
        assert not secret or secret not in text, "personal data in the trail: " + secret[:2] + "..."
key = open(key_file).read().strip().encode()
cm_bsn = json.load(open(events + "/wvggz.crisismaatregel.genomen.json"))["betrokkene"]["bsn"]
person = hmac.new(key, cm_bsn.encode(), hashlib.sha256).hexdigest()

cm = json.load(open(cm_file))
assert cm["case_id"] == "CM-0344-2026-000123" and cm["chain"]["intact"], cm["chain"]
cm_recs = cm["records"]
assert cm_recs and all(r["case_id"] == "CM-0344-2026-000123" for r in cm_recs)
actions = {r["action"] for r in cm_recs}
for a in ["received", "quarantined", "routed", "attempt", "mapped", "signed", "transfer",
          "delivered", "payload_read"]:
    assert a in actions, (a, sorted(actions))
received = [r for r in cm_recs if r["action"] == "received" and r["message_id"] == "cm-1"]
assert len(received) == 1 and received[0]["outcome"] == "accepted", received
assert received[0]["user"] == "burgemeester:0344:test" and received[0]["access_point"], received
assert received[0]["oin"] and received[0]["instance"], received
# The person as a keyed hash, on every step of the accepted event.
steps = [r for r in cm_recs if r["message_id"] == "cm-1"]
assert all(r["person"] == person for r in steps), {(r["action"], r["person"][:8]) for r in steps}
routed = {r["partner"] for r in cm_recs if r["action"] == "routed" and r["outcome"] == "planned"}
assert routed == {"om", "igj", "pvp", "rvr"}, routed
delivered = {r["delivery_id"] for r in cm_recs if r["action"] == "delivered"}
assert len(delivered) == 4, delivered
assert any(r["action"] == "quarantined" and r["message_id"] == "q-1" for r in cm_recs)
pr = [r for r in cm_recs if r["action"] == "payload_read"]
assert pr[0]["user"] == "alice.operator" and pr[0]["access_point"].startswith("127.0.0.1:"), pr
# Nothing of the other case.
ibs = json.load(open(ibs_file))["records"]
assert ibs and all(r["case_id"] == "IBS-0344-2026-000077" for r in ibs)
assert not {r["seq"] for r in ibs} & {r["seq"] for r in cm_recs}
assert [r["outcome"] for r in ibs if r["action"] == "received"] == ["accepted", "duplicate"], ibs
# Operator actions without a case.
ops = {(r["action"], r["partner"], r["user"]) for r in recs}
assert ("paused", "igj", "alice.operator") in ops and ("resumed", "igj", "alice.operator") in ops
assert any(r["action"] == "config_reloaded" and r["user"] == "alice.operator" for r in recs)
PY
kh_log "trail: $(cat "$WORK/verify.log")"

# ---- the day file made unwritable: intake stops, /readyz says why; writable again: all goes on
chattr +i "$DAYFILE" || kh_fail "chattr +i failed on $DAYFILE"
events_before=$(kh_sql "SELECT COUNT(*) FROM events")
"$BIN" send "$SRC/examples/events/wvggz.zorgmachtiging.aanvraag.json" --url "amqp://127.0.0.1:$AMQP_PORT" \
  --address wvggz.events --event-type wvggz.zorgmachtiging.aanvraag --case-id VO-0344-2026-004512 \
  --actor burgemeester:0344:test --message-id held-1 >"$WORK/held.log" 2>&1 &
SEND=$!
PIDS+=($SEND)
not_ready() { [ "$(curl -s -o "$WORK/ready" -w '%{http_code}' "$A/readyz")" = 503 ]; }
kh_wait_until 20 not_ready || kh_fail "readyz stayed ready with an unwritable audit trail"
grep -q "audit trail: not writable" "$WORK/ready" || kh_fail "readyz does not say why: $(cat "$WORK/ready")"
sleep 1
kill -0 "$SEND" 2>/dev/null || kh_fail "the event was settled while its audit record could not be written"
kh_assert_eq "$events_before" "$(kh_sql "SELECT COUNT(*) FROM events")" "events stored without audit"
# An operator action that needs the trail is refused too.
code=$(curl -s -o /dev/null -w '%{http_code}' "${as_operator[@]}" "$A/api/v1/messages/$ID?payload=1")
kh_assert_eq 503 "$code" "payload shown without an audit record"
unlock
wait "$SEND" || kh_fail "the held event was not accepted after the trail came back: $(cat "$WORK/held.log")"
ready() { curl -sf "$A/readyz" >/dev/null; }
kh_wait_until 20 ready || kh_fail "not ready again"
all8() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 8 ]; }
kh_wait_until 30 all8 || kh_fail "the held event was not delivered"
"$BIN" audit verify --dir "$AUDIT" >"$WORK/verify2.log" 2>&1 || kh_fail "verify after the outage: $(cat "$WORK/verify2.log")"

# ---- tampering, on a copy (the hub goes on writing its own)
kill -TERM "$HUB_PID"
stopped() { ! kill -0 "$HUB_PID" 2>/dev/null; }
kh_wait_until 20 stopped || kh_fail "hub did not stop"
tamper() {  # tamper edit|delete: on a copy of the trail, changes or removes line 5 of the day file
  rm -rf "$WORK/t-$1" && cp -r "$AUDIT" "$WORK/t-$1"
  $PY - "$WORK/t-$1/$(basename "$DAYFILE")" "$1" <<'PY'
import sys
path, how = sys.argv[1:]
lines = open(path).read().splitlines(keepends=True)
if how == "edit":
    lines[4] = lines[4].replace('"outcome":"', '"outcome":"x', 1)
elif how == "delete":
    del lines[4]
open(path, "w").write("".join(lines))
PY
  ! "$BIN" audit verify --dir "$WORK/t-$1" >"$WORK/t-$1.log" 2>&1 || kh_fail "verify passed a trail with a $1ed record"
}
seq5=$(sed -n 5p "$DAYFILE" | $PY -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
tamper edit
grep -q "broken at record $seq5 .*line 5.*was changed" "$WORK/t-edit.log" || kh_fail "edit not named: $(cat "$WORK/t-edit.log")"
tamper delete
grep -q "records $seq5..$seq5 are missing" "$WORK/t-delete.log" || kh_fail "deletion not named: $(cat "$WORK/t-delete.log")"
"$BIN" audit verify --dir "$AUDIT" >/dev/null || kh_fail "the original trail no longer verifies"
kh_log "edit: $(cat "$WORK/t-edit.log")"
kh_log "delete: $(cat "$WORK/t-delete.log")"
kh_pass
