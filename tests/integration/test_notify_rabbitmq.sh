#!/usr/bin/env bash
# AmqpPublisher (status notifications) against a real, private RabbitMQ 3.10 node (AMQP 1.0
# plugin), through the hidden gtest AmqpPublisherRabbitMq in unit_amqp:
#   1. N notifications into a durable queue (SASL PLAIN): every one accepted (publisher confirms);
#      a Python Proton consumer finds exactly N messages with distinct ids, content type
#      application/json and the JSON body as a data section.
#   2. The broker is down when the publisher starts: it keeps retrying, and once the node is up
#      again every notification is accepted, and the queue holds them (durable, survived restart).
#   3. The broker shuts down mid-stream (RabbitMQ 3.10 ends the session ~3 s before it drops TCP)
#      and comes back: the publisher reports the unsettled ones false, the test's relay loop
#      publishes them again, and every id ends up in the queue at least once.
# Every process it starts (broker, epmd, the gtest) is stopped on exit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq.sh"
UNIT="${KETENHUB_UNIT_AMQP:-$(dirname "$BIN")/unit_amqp}"
[ -x "$UNIT" ] || kh_fail "unit_amqp is not built ($UNIT); set KETENHUB_UNIT_AMQP"
N=${N:-300}
N2=${N2:-50}
N3=${N3:-3000}
QUEUE=ketenhub.status

rmq_setup
rmq_start
rmq_declare_queue "$QUEUE"
printf 'guest' >"$WORK/rabbit.pass"
chmod 600 "$WORK/rabbit.pass"

# publisher COUNT PREFIX LOG: runs the hidden gtest against the private node.
publisher() {
  KETENHUB_TEST_RABBITMQ_URL="$RMQ_URL" KETENHUB_TEST_RABBITMQ_ADDRESS="/amq/queue/$QUEUE" \
    KETENHUB_TEST_RABBITMQ_USER=guest KETENHUB_TEST_RABBITMQ_PASSWORD_FILE="$WORK/rabbit.pass" \
    KETENHUB_TEST_RABBITMQ_COUNT="$1" KETENHUB_TEST_RABBITMQ_PREFIX="$2" \
    KETENHUB_TEST_RABBITMQ_PACE_MS="${PACE_MS:-0}" \
    "$UNIT" --gtest_filter='AmqpPublisherRabbitMq.*' >"$3" 2>&1
}
passed() {  # LOG: the gtest ran (not skipped) and passed
  grep -q '^\[  PASSED  \] 1 test' "$1" && ! grep -q '^\[  SKIPPED \]' "$1"
}
messages_are() { [ "$(rmq_queue_messages "$QUEUE")" = "$1" ]; }

# 1. Broker up.
publisher "$N" a "$WORK/publish-1.log" || kh_fail "publisher failed: $(grep -v '^{' "$WORK/publish-1.log" | tail -20)"
passed "$WORK/publish-1.log" || kh_fail "publisher test did not run: $(tail -5 "$WORK/publish-1.log")"
kh_wait_until 10 messages_are "$N" || kh_fail "queue holds $(rmq_queue_messages "$QUEUE"), expected $N"

# 2. Broker down at start, then up.
kh_log "stopping the broker"
rmq_stop
publisher "$N2" b "$WORK/publish-2.log" &
PUB_PID=$!
PIDS+=("$PUB_PID")
sleep 1  # a few failed connection attempts
kill -0 "$PUB_PID" 2>/dev/null || kh_fail "publisher ended while the broker was down: $(tail -5 "$WORK/publish-2.log")"
rmq_start
wait "$PUB_PID" || kh_fail "publisher after restart failed: $(grep -v '^{' "$WORK/publish-2.log" | tail -20)"
passed "$WORK/publish-2.log" || kh_fail "publisher test did not run: $(tail -5 "$WORK/publish-2.log")"
grep -q '"msg":"amqp publisher reconnecting"' "$WORK/publish-2.log" || kh_fail "no reconnect logged"
TOTAL=$((N + N2))
kh_wait_until 10 messages_are "$TOTAL" || kh_fail "queue holds $(rmq_queue_messages "$QUEUE"), expected $TOTAL"

# 3. Broker shutdown mid-stream, one message per 2 ms (~6 s), then the broker comes back.
PACE_MS=2 publisher "$N3" c "$WORK/publish-3.log" &
PUB_PID=$!
PIDS+=("$PUB_PID")
sleep 1.5
kh_log "stopping the broker mid-stream"
rmq_stop
rmq_start
wait "$PUB_PID" || kh_fail "publisher across the restart failed: $(grep -v '^{' "$WORK/publish-3.log" | tail -20)"
passed "$WORK/publish-3.log" || kh_fail "publisher test did not run: $(tail -5 "$WORK/publish-3.log")"
grep -q '"msg":"amqp publisher link lost"' "$WORK/publish-3.log" || kh_fail "the broker stop was not seen mid-stream"
kh_log "$(grep '^rabbitmq publisher' "$WORK/publish-3.log")"
TOTAL=$((N + N2 + N3))

# Consume everything: every id at least once (phase 3 may duplicate), JSON content type,
# data-section bodies that match their ids.
$PY - "$RMQ_URL" "/amq/queue/$QUEUE" >"$WORK/consume.txt" 2>"$WORK/consume.log" <<'PYEOF' || kh_fail "consumer: $(tail -5 "$WORK/consume.log")"
import json, sys
from proton.utils import BlockingConnection
from proton import Timeout
url, address = sys.argv[1], sys.argv[2]
conn = BlockingConnection(url, timeout=10, user="guest", password="guest",
                          allowed_mechs="PLAIN", allow_insecure_mechs=True)
rcv = conn.create_receiver(address, credit=500)
ids, total, bad = set(), 0, 0
while True:
    try:
        m = rcv.receive(timeout=3)
    except Timeout:
        break
    total += 1
    body = m.body
    ok = (m.content_type == "application/json" and m.durable
          and isinstance(body, (bytes, memoryview))
          and json.loads(bytes(body).decode("utf-8"))["id"] == m.id)
    if ok:
        ids.add(m.id)
    else:
        bad += 1
    rcv.accept()
conn.close()
print(len(ids), bad, total)
PYEOF
read -r DISTINCT BAD CONSUMED <"$WORK/consume.txt"
kh_assert_eq "$TOTAL" "$DISTINCT" "distinct notification ids consumed"
kh_assert_eq "0" "$BAD" "malformed notifications"
[ "$CONSUMED" -ge "$TOTAL" ] || kh_fail "consumed $CONSUMED < $TOTAL"
kh_wait_until 10 messages_are 0 || kh_fail "queue not drained: $(rmq_queue_messages "$QUEUE")"
kh_log "OK: $TOTAL notifications (two broker restarts) consumed, $((CONSUMED - TOTAL)) duplicates"
