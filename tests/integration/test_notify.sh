#!/usr/bin/env bash
# Status notifications from the outbox to an AMQP peer the hub connects to (a Python Proton
# listener on loopback that accepts and records every message):
#   6a. partner down -> securemail -> delivered: exactly one notification per channel switch and
#       per final state (fallback to securemail, delivered), to notify.address, with the fields
#       delivery_id, message_id, zaaknummer, partner, product, channel, state, time, reason_code,
#       and no BSN, name or street.
#   6b. receiver down; the hub is killed (-9) right after a state change whose notification is
#       still in the outbox; receiver and hub restart -> the notification arrives (at least once)
#       and every outbox row gets sent_at.
#   6c. every channel down -> notifications fallback/securemail, fallback/print, dead, and one
#       dead letter on dead_letter.address.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fallback_lib.sh"
T0=$SECONDS
kh_pki
mkdir -p "$WORK/print-spool"
OM_PORT=$(kh_free_port)  # nothing listens here
NOTIFY_PORT=$(kh_free_port)
ZAAK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$EVENT_JSON")
read -r BSN VOORNAMEN GESLACHTSNAAM STRAAT <<<"$($PY -c '
import json,sys; e=json.load(open(sys.argv[1]))["betrokkene"]
print(e["bsn"], e["voornamen"].split()[0], e["geslachtsnaam"], e["adres"]["straat"])' "$EVENT_JSON")"

# notes DELIVERY_ID: "state/channel/reason_code" of each notification for it, in order of arrival.
notes() {
  [ -f "$WORK/notify.jsonl" ] || return 0
  $PY -c '
import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    b = r["body"]
    if r["address"] == "ketenhub.status" and b.get("delivery_id") == sys.argv[2]:
        print("%s/%s/%s" % (b["state"], b["channel"], b["reason_code"]))' "$WORK/notify.jsonl" "$1"
}

fb_start_smtp ok normal
fb_start_notify_receiver "$NOTIFY_PORT"
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" FB_DEADLINE=1s NOTIFY_PORT=$NOTIFY_PORT fb_config "$OM_PORT"
kh_start_hub

# ---- 6a
kh_log "phase 6a: notifications of fallback and delivery"
fb_send "$EVENT_JSON" --message-id notify-1
kh_wait_until 20 fb_state_is delivered || kh_fail "not delivered: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries")"
D1=$(kh_sql "SELECT delivery_id FROM deliveries")
all_sent() { [ "$(kh_sql "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")" -eq 0 ] && [ "$(kh_sql "SELECT COUNT(*) FROM outbox")" -ge 1 ]; }
kh_wait_until 15 all_sent || kh_fail "outbox not sent: $(kh_sql "SELECT id, kind, sent_at FROM outbox")"
sleep 0.5  # a duplicate or a late extra notification would show up now
kh_log "outbox: $(kh_sql "SELECT group_concat(kind || '->' || address, ', ') FROM outbox")"
kh_log "notifications: $(notes "$D1" | tr '\n' ' ')"
kh_assert_eq "fallback/securemail/deadline_passed delivered/securemail/delivered" "$(notes "$D1" | tr '\n' ' ' | sed 's/ $//')" "notifications of delivery 1"
$PY - "$WORK/notify.jsonl" "$D1" "$ZAAK" <<'PYEOF' || kh_fail "notification fields"
import json, sys
want = {"delivery_id", "message_id", "zaaknummer", "partner", "product", "channel", "state", "time", "reason_code"}
for l in open(sys.argv[1]):
    r = json.loads(l)
    b = r["body"]
    assert r["address"] == "ketenhub.status", r["address"]
    assert set(b) == want, sorted(set(b) ^ want)
    assert b["delivery_id"] == sys.argv[2] and b["zaaknummer"] == sys.argv[3], b
    assert b["message_id"] == "notify-1" and b["partner"] == "om", b
    assert b["product"] == "kennisgeving-crisismaatregel", b
PYEOF
for pd in "$BSN" "$VOORNAMEN" "$GESLACHTSNAAM" "$STRAAT"; do
  ! grep -qi "$pd" "$WORK/notify.jsonl" || kh_fail "a notification holds personal data '$pd'"
  ! kh_sql "SELECT body FROM outbox" | grep -qi "$pd" || kh_fail "an outbox row holds personal data '$pd'"
done

# ---- 6b
kh_log "phase 6b: receiver down, hub killed after a state change, both restart"
kh_stop_pid "$NOTIFY_PID"
mv "$WORK/notify.jsonl" "$WORK/notify-6a.jsonl"
CASE2=CM-0344-2026-000777
sed "s/$ZAAK/$CASE2/" "$EVENT_JSON" >"$WORK/event-2.json"
fb_send "$WORK/event-2.json" --message-id notify-2
switched() { [ "$(kh_sql "SELECT COUNT(*) FROM outbox o WHERE sent_at IS NULL AND body LIKE '%\"state\":\"fallback\"%' AND body LIKE '%$CASE2%'")" -ge 1 ]; }
kh_wait_until 20 switched || kh_fail "no unsent fallback notification: $(kh_sql "SELECT id, body, sent_at FROM outbox")"
kill -KILL "$HUB_PID"
wait "$HUB_PID" 2>/dev/null || true
D2=$(kh_sql "SELECT delivery_id FROM deliveries WHERE case_id='$CASE2'")
kh_log "killed the hub with delivery 2 in state $(kh_sql "SELECT state FROM deliveries WHERE case_id='$CASE2'"), $(kh_sql "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL") unsent"
fb_start_notify_receiver "$NOTIFY_PORT"
kh_start_hub
arrived() { notes "$D2" | grep -q '^fallback/securemail/'; }
kh_wait_until 20 arrived || kh_fail "fallback notification of delivery 2 never arrived: $(notes "$D2" | tr '\n' ' ')"
kh_wait_until 20 fb_state_is delivered 2 || kh_fail "delivery 2 not delivered after restart"
kh_wait_until 15 all_sent || kh_fail "outbox rows without sent_at: $(kh_sql "SELECT id, kind, sent_at FROM outbox WHERE sent_at IS NULL")"
delivered_note() { notes "$D2" | grep -q '^delivered/securemail/delivered$'; }
kh_wait_until 10 delivered_note || kh_fail "delivered notification of delivery 2 missing: $(notes "$D2" | tr '\n' ' ')"
kh_log "notifications of delivery 2: $(notes "$D2" | tr '\n' ' ')"
# Nothing reached the receiver before the kill, so each arrives once; delivery 1's were marked
# sent before and must not come again.
kh_assert_eq "fallback/securemail/deadline_passed delivered/securemail/delivered" "$(notes "$D2" | tr '\n' ' ' | sed 's/ $//')" "notifications of delivery 2"
kh_assert_eq "" "$(notes "$D1")" "delivery 1's notifications sent again after the restart"

# ---- 6c. all channels down -> one notification per switch and one for dead, plus a dead letter
kh_log "phase 6c: every channel down -> dead: notifications and a dead letter"
fb_fresh
kh_stop_pid "$SMTP_PID_ok"  # nothing listens on the relay's port any more
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" FB_DEADLINE=1s SM_DEADLINE=1s PR_DEADLINE=1s \
  SPOOL=print-spool.file NOTIFY_PORT=$NOTIFY_PORT fb_config "$OM_PORT"
mkdir "$WORK/print-spool.file"  # a directory at the start, a file once the hub runs
kh_start_hub
rm -rf "$WORK/print-spool.file" && echo "not a directory" >"$WORK/print-spool.file"
CASE3=CM-0344-2026-000888
sed "s/$ZAAK/$CASE3/" "$EVENT_JSON" >"$WORK/event-3.json"
fb_send "$WORK/event-3.json" --message-id notify-3
kh_wait_until 20 fb_state_is dead || kh_fail "not dead: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries")"
D3=$(kh_sql "SELECT delivery_id FROM deliveries WHERE case_id='$CASE3'")
kh_wait_until 15 all_sent || kh_fail "outbox not sent: $(kh_sql "SELECT id, kind, sent_at FROM outbox")"
sleep 0.5
kh_log "notifications of delivery 3: $(notes "$D3" | tr '\n' ' ')"
kh_assert_eq "fallback/securemail/deadline_passed fallback/print/deadline_passed dead/print/deadline_passed" \
  "$(notes "$D3" | tr '\n' ' ' | sed 's/ $//')" "notifications of delivery 3"
dead_letters=$($PY -c '
import json,sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["address"] == "ketenhub.dead"))' "$WORK/notify.jsonl")
kh_assert_eq 1 "$dead_letters" "dead letters on ketenhub.dead"
kh_log "dead letter: $(grep '"ketenhub.dead"' "$WORK/notify.jsonl" | head -c 400)"
$PY -c '
import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["address"] == "ketenhub.status":
        assert set(r["body"]) == {"delivery_id", "message_id", "zaaknummer", "partner", "product", "channel", "state", "time", "reason_code"}, r
' "$WORK/notify.jsonl" || kh_fail "notification fields (6b/6c)"
grep '"ketenhub.status"' "$WORK/notify.jsonl" >"$WORK/status-notes.jsonl" || true
for pd in "$BSN" "$VOORNAMEN" "$GESLACHTSNAAM" "$STRAAT"; do
  ! grep -qi "$pd" "$WORK/status-notes.jsonl" || kh_fail "a status notification holds personal data '$pd'"
done
kh_log "run time $((SECONDS - T0)) s"
kh_pass
