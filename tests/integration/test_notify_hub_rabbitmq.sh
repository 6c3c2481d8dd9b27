#!/usr/bin/env bash
# The hub's status notifications and dead letters against a real, private RabbitMQ 3.10 node (AMQP
# 1.0 plugin): notify.urls = the node, notify.address /amq/queue/ketenhub.status and
# dead_letter.address /amq/queue/ketenhub.dead (durable queues declared first), SASL PLAIN with
# user and password_file. One hub process runs through every phase; the queues are drained by a
# Python Proton receiver after each phase.
#   1. partner answers 400 (permanent) -> securemail delivers: the status queue holds exactly the
#      fallback and the delivered notification (durable, application/json, data section, message
#      id ketenhub-outbox-<outbox id>, the nine fields, no personal data from the event), and
#      every outbox row has sent_at.
#   2. broker outage: with the node stopped, another delivery switches to securemail and is
#      delivered; its two outbox rows stay unsent (sent_at IS NULL) while the node is down. Once the
#      node is up again the hub's publisher reconnects by itself, the two notifications arrive
#      (exactly once each: none reached the broker before) and sent_at is set.
#   3. every channel down (SMTP relay stopped, print spool not a directory) -> dead: the status
#      queue gets fallback/securemail, fallback/print and dead/print, and ketenhub.dead gets
#      exactly one dead letter for that delivery.
# Skips (exit 0) only when rabbitmq-server is not installed. Every process it starts (broker,
# epmd, hub, partner-sim, SMTP relay) is stopped on exit.
set -euo pipefail
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "SKIP: $(basename "$0"): rabbitmq-server is not installed (/usr/lib/rabbitmq/bin)"
  exit 0
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq.sh"
source "$(dirname "$0")/fallback_lib.sh"
T0=$SECONDS
STATUS_Q=ketenhub.status
DEAD_Q=ketenhub.dead

ZAAK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$EVENT_JSON")
# Personal data of the example event that must never reach a notification or dead letter.
mapfile -t PERSONAL <<<"$($PY -c '
import json,sys; e=json.load(open(sys.argv[1]))["betrokkene"]
for v in (e["bsn"], e["voornamen"].split()[0], e["geslachtsnaam"], e["geboortedatum"],
          e["adres"]["straat"], e["adres"]["postcode"], e["verblijfplaats"]["adres"]["straat"]):
    print(v)' "$EVENT_JSON")"

rmq_setup
rmq_start
rmq_declare_queue "$STATUS_Q"
rmq_declare_queue "$DEAD_Q"
printf 'guest' >"$WORK/rabbit.pass"
chmod 600 "$WORK/rabbit.pass"

kh_pki
kh_start_sim om om --status 400
fb_start_smtp ok normal
# The print spool is a directory at start; phase 3 replaces it by a file (print then fails).
mkdir "$WORK/print-spool.file"
SMTP_URL="smtp://localhost:$SMTP_PORT_ok" SM_DEADLINE=2s PR_DEADLINE=1s SPOOL=print-spool.file \
  fb_config "$SIM_PORT_om"
cat >>"$WORK/hub.yaml" <<YAML
notify:
  urls: [$RMQ_URL]
  address: /amq/queue/$STATUS_Q
  user: guest
  password_file: rabbit.pass
  reconnect_max: 2s  # both publishers back off on their own clocks: keep the test's waits short
dead_letter:
  address: /amq/queue/$DEAD_Q
YAML
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check failed: $(cat "$WORK/check.log")"
kh_start_hub

# consume QUEUE OUT: drains QUEUE (accepting every message) into OUT, one JSON line per message
# with its AMQP properties and parsed body; stops after 1.5 s without a message.
consume() {
  $PY - "$RMQ_URL" "/amq/queue/$1" >"$2" 2>>"$WORK/consume.log" <<'PYEOF' || kh_fail "consumer of $1: $(tail -5 "$WORK/consume.log")"
import json, sys
from proton.utils import BlockingConnection
from proton import Timeout
conn = BlockingConnection(sys.argv[1], timeout=10, user="guest", password="guest",
                          allowed_mechs="PLAIN", allow_insecure_mechs=True)
rcv = conn.create_receiver(sys.argv[2], credit=100)
while True:
    try:
        m = rcv.receive(timeout=1.5)
    except Timeout:
        break
    body = m.body
    rec = {"id": m.id, "content_type": m.content_type, "durable": m.durable,
           "data_section": isinstance(body, (bytes, memoryview))}
    if rec["data_section"]:
        body = bytes(body).decode("utf-8")
    rec["raw"] = body
    rec["body"] = json.loads(body)
    print(json.dumps(rec, ensure_ascii=False), flush=True)
    rcv.accept()
conn.close()
PYEOF
}
# notes FILE DELIVERY_ID: "state/channel/reason_code" of each message for it, in queue order.
notes() {
  $PY -c '
import json,sys
for l in open(sys.argv[1]):
    b = json.loads(l)["body"]
    if b.get("delivery_id") == sys.argv[2]:
        print("%s/%s/%s" % (b["state"], b["channel"], b["reason_code"]))' "$1" "$2" | tr '\n' ' ' | sed 's/ $//'
}
# check_messages FILE MESSAGE_ID ZAAK: wire format and fields of every message in FILE, and the
# outbox ids in the message ids exist in the outbox with the same body.
check_messages() {
  $PY - "$@" <<'PYEOF' || kh_fail "messages in $1"
import json, sys
want = {"delivery_id", "message_id", "zaaknummer", "partner", "product", "channel", "state", "time", "reason_code"}
for l in open(sys.argv[1]):
    r = json.loads(l)
    b = r["body"]
    assert r["content_type"] == "application/json", r
    assert r["durable"] and r["data_section"], r
    assert isinstance(r["id"], str) and r["id"].startswith("ketenhub-outbox-"), r
    assert set(b) == want, sorted(set(b) ^ want)
    assert b["message_id"] == sys.argv[2] and b["zaaknummer"] == sys.argv[3], b
    assert b["partner"] == "om" and b["product"] == "kennisgeving-crisismaatregel", b
PYEOF
  local pd
  for pd in "${PERSONAL[@]}"; do
    ! grep -qiF -- "$pd" "$1" || kh_fail "a message in $1 holds personal data '$pd'"
  done
  # Each message is the outbox row its id names.
  local id raw
  while IFS=$'\t' read -r id raw; do
    kh_assert_eq "$raw" "$(kh_sql "SELECT body FROM outbox WHERE id=${id#ketenhub-outbox-}")" "outbox row of $id"
  done < <($PY -c '
import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); print(r["id"] + "\t" + r["raw"])' "$1")
}
unsent() { kh_sql "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"; }
all_sent() { [ "$(unsent)" -eq 0 ] && [ "$(kh_sql "SELECT COUNT(*) FROM outbox")" -ge 1 ]; }
queue_has() { [ "$(rmq_queue_messages "$1")" = "$2" ]; }
delivery_of() { kh_sql "SELECT delivery_id FROM deliveries WHERE case_id='$1'"; }
state_of() { kh_sql "SELECT state FROM deliveries WHERE case_id='$1'"; }
state_is() { [ "$(state_of "$1")" = "$2" ]; }

# ---- 1. partner 400 -> securemail -> delivered
kh_log "phase 1: partner 400 -> securemail -> delivered, notifications into RabbitMQ"
fb_send "$EVENT_JSON" --message-id rmq-notify-1
kh_wait_until 15 state_is "$ZAAK" delivered || kh_fail "not delivered: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries")"
D1=$(delivery_of "$ZAAK")
kh_wait_until 15 all_sent || kh_fail "outbox not sent: $(kh_sql "SELECT id, kind, address, sent_at FROM outbox")"
kh_wait_until 5 queue_has "$STATUS_Q" 2 || kh_fail "$STATUS_Q holds $(rmq_queue_messages "$STATUS_Q"), expected 2"
sleep 0.5  # a late extra notification would show up now
consume "$STATUS_Q" "$WORK/status-1.jsonl"
kh_log "phase 1 notifications: $(notes "$WORK/status-1.jsonl" "$D1")"
kh_assert_eq 2 "$(wc -l <"$WORK/status-1.jsonl")" "messages on $STATUS_Q after phase 1"
N1=$(notes "$WORK/status-1.jsonl" "$D1")
# The switch at once, for the permanent partner error (not a passed deadline).
kh_assert_eq "fallback/securemail/permanent_error delivered/securemail/delivered" "$N1" "notifications of delivery 1"
check_messages "$WORK/status-1.jsonl" rmq-notify-1 "$ZAAK"
kh_assert_eq 0 "$(rmq_queue_messages "$DEAD_Q")" "dead letters after phase 1"

# ---- 2. broker outage
kh_log "phase 2: broker down during a switch and a final state"
rmq_stop
CASE2=CM-0344-2026-000777
sed "s/$ZAAK/$CASE2/" "$EVENT_JSON" >"$WORK/event-2.json"
fb_send "$WORK/event-2.json" --message-id rmq-notify-2
kh_wait_until 15 state_is "$CASE2" delivered || kh_fail "delivery 2 not delivered with the broker down: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries WHERE case_id='$CASE2'")"
D2=$(delivery_of "$CASE2")
unsent_d2() { kh_sql "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND kind='notification' AND body LIKE '%\"delivery_id\":\"$D2\"%'"; }
sleep 1  # the relay polls and the publisher keeps retrying: nothing may be marked sent
kh_assert_eq 2 "$(unsent_d2)" "unsent notifications of delivery 2 with the broker down"
kh_assert_eq 2 "$(unsent)" "unsent outbox rows with the broker down"
# The publishers saw the broker go and keep trying (connection refused, backoff).
pub_log() {  # MSG PUBLISHER: lines of hub.log with that msg from that publisher
  grep -F "\"msg\":\"$1\"" "$WORK/hub.log" | grep -cF "\"publisher\":\"$2\"" || true
}
[ "$(pub_log "amqp publisher link lost" notify)" -ge 1 ] || kh_fail "the notify publisher did not see the broker stop"
[ "$(pub_log "amqp publisher reconnecting" notify)" -ge 2 ] || kh_fail "the notify publisher is not retrying"
kh_assert_eq 1 "$(pub_log "amqp publisher ready" notify)" "notify publisher ready before the broker restart"
T_UP=$SECONDS
rmq_start
kh_wait_until 40 all_sent || kh_fail "outbox not sent $((SECONDS - T_UP)) s after the broker came back: $(kh_sql "SELECT id, kind, sent_at FROM outbox WHERE sent_at IS NULL")"
kh_log "outbox sent $((SECONDS - T_UP)) s after the broker start began"
kh_assert_eq 2 "$(pub_log "amqp publisher ready" notify)" "notify publisher ready after the broker restart"
# The dead-letter publisher has nothing to send yet: it reconnects on its own backoff.
dl_ready_twice() { [ "$(pub_log "amqp publisher ready" dead_letter)" -ge 2 ]; }
kh_wait_until 10 dl_ready_twice || true
kh_assert_eq 2 "$(pub_log "amqp publisher ready" dead_letter)" "dead-letter publisher ready after the broker restart"
kh_wait_until 5 queue_has "$STATUS_Q" 2 || kh_fail "$STATUS_Q holds $(rmq_queue_messages "$STATUS_Q"), expected 2"
sleep 0.5
consume "$STATUS_Q" "$WORK/status-2.jsonl"
N2=$(notes "$WORK/status-2.jsonl" "$D2")
kh_log "phase 2 notifications: $N2"
kh_assert_eq 2 "$(wc -l <"$WORK/status-2.jsonl")" "messages on $STATUS_Q after the outage"
kh_assert_eq "fallback/securemail/permanent_error delivered/securemail/delivered" "$N2" "notifications of delivery 2"
check_messages "$WORK/status-2.jsonl" rmq-notify-2 "$CASE2"
kh_assert_eq 0 "$(rmq_queue_messages "$DEAD_Q")" "dead letters after phase 2"

# ---- 3. every channel down -> dead -> a dead letter
kh_log "phase 3: every channel down -> dead letter"
kh_stop_pid "$SMTP_PID_ok"  # nothing listens on the relay's port any more
rm -rf "$WORK/print-spool.file" && echo "not a directory" >"$WORK/print-spool.file"
CASE3=CM-0344-2026-000888
sed "s/$ZAAK/$CASE3/" "$EVENT_JSON" >"$WORK/event-3.json"
fb_send "$WORK/event-3.json" --message-id rmq-notify-3
kh_wait_until 20 state_is "$CASE3" dead || kh_fail "delivery 3 not dead: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries WHERE case_id='$CASE3'")"
D3=$(delivery_of "$CASE3")
kh_wait_until 15 all_sent || kh_fail "outbox not sent: $(kh_sql "SELECT id, kind, sent_at FROM outbox WHERE sent_at IS NULL")"
kh_wait_until 5 queue_has "$STATUS_Q" 3 || kh_fail "$STATUS_Q holds $(rmq_queue_messages "$STATUS_Q"), expected 3"
kh_wait_until 5 queue_has "$DEAD_Q" 1 || kh_fail "$DEAD_Q holds $(rmq_queue_messages "$DEAD_Q"), expected 1"
sleep 0.5
consume "$STATUS_Q" "$WORK/status-3.jsonl"
consume "$DEAD_Q" "$WORK/dead-3.jsonl"
N3=$(notes "$WORK/status-3.jsonl" "$D3")
kh_log "phase 3 notifications: $N3"
kh_assert_eq 3 "$(wc -l <"$WORK/status-3.jsonl")" "messages on $STATUS_Q in phase 3"
kh_assert_eq "fallback/securemail/permanent_error fallback/print/deadline_passed dead/print/deadline_passed" \
  "$N3" "notifications of delivery 3"
check_messages "$WORK/status-3.jsonl" rmq-notify-3 "$CASE3"
kh_assert_eq 1 "$(wc -l <"$WORK/dead-3.jsonl")" "dead letters on $DEAD_Q"
kh_assert_eq "dead/print/deadline_passed" "$(notes "$WORK/dead-3.jsonl" "$D3")" "dead letter of delivery 3"
check_messages "$WORK/dead-3.jsonl" rmq-notify-3 "$CASE3"
kh_assert_eq "dead_letter" "$(kh_sql "SELECT kind FROM outbox WHERE address='/amq/queue/$DEAD_Q'")" "outbox kind of the dead letter"
kh_log "dead letter: $(head -c 400 "$WORK/dead-3.jsonl")"
kh_assert_eq 0 "$(unsent)" "unsent outbox rows at the end"
kh_log "run time $((SECONDS - T0)) s"
kh_pass
