#!/usr/bin/env bash
# End to end in connect mode against a real, private RabbitMQ 3.10 node (AMQP 1.0 plugin): events
# published into a durable queue are consumed by the hub (SASL PLAIN), delivered to partner-sim
# exactly once and verified, and the queue drains. Then the broker node is stopped and started
# again: the hub reconnects by itself (readyz, intake_connected metric) with one consumer and
# delivers events published after the restart. Last, the broker closes the hub's connection
# (`rabbitmqctl close_all_connections`, which in 3.10 ends the AMQP 1.0 session and keeps the
# connection): the hub attaches a new receiver and goes on consuming.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/rabbitmq.sh"
N=${N:-200}
N2=${N2:-50}
N3=${N3:-20}
QUEUE=ketenhub.events

rmq_setup
rmq_start
rmq_declare_queue "$QUEUE"
printf 'guest' >"$WORK/rabbit.pass"
chmod 600 "$WORK/rabbit.pass"

kh_pki
kh_start_sim om om
EXTRA_INTAKE="  connect:
    - name: rabbit
      urls: [$RMQ_URL]
      address: /amq/queue/$QUEUE
      user: guest
      password_file: rabbit.pass
      reconnect_initial: 200ms
      reconnect_max: 1s"
kh_config "$SIM_PORT_om"
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check failed: $(cat "$WORK/check.log")"
kh_start_hub

ready() { curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz"; }
kh_wait_until 30 ready || kh_fail "hub not ready: $(curl -s "http://127.0.0.1:$ADMIN_PORT/readyz")"
# The intake_connected gauge of the rabbit source (captured first: `curl | grep -q` can SIGPIPE).
rabbit_gauge() {
  local m
  m=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || return 1
  awk '$1 == "ketenhub_intake_connected{source=\"rabbit\"}" { print $2 }' <<<"$m"
}
rabbit_connected() { [ "$(rabbit_gauge)" = "1" ]; }
rabbit_disconnected() { [ "$(rabbit_gauge)" = "0" ]; }
rabbit_connected || kh_fail "intake_connected{source=rabbit}: '$(rabbit_gauge)'"
one_consumer() { [ "$(rmq_queue_consumers "$QUEUE")" = "1" ]; }
kh_wait_until 10 one_consumer || kh_fail "consumers on $QUEUE: $(rmq_queue_consumers "$QUEUE")"

# Publishes COUNT events into the broker queue (publisher confirms: accepted=COUNT means queued).
publish() {
  local count=$1 prefix=$2 log="$WORK/send-$2.txt"
  "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
    --url "$RMQ_URL" --address "/amq/queue/$QUEUE" --user guest --password-file "$WORK/rabbit.pass" \
    --event-type wvggz.crisismaatregel.genomen --case-id "$prefix" \
    --actor "burgemeester:0344:test" --count "$count" >"$log" 2>&1 || kh_fail "send failed: $(cat "$log")"
  grep -q "accepted=$count " "$log" || kh_fail "broker did not accept all: $(cat "$log")"
}
delivered() { kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'"; }
delivered_is() { [ "$(delivered)" -eq "$1" ]; }
queue_empty() { [ "$(rmq_queue_messages "$QUEUE")" = "0" ]; }
check_partner() {  # TOTAL: each delivery exactly once at partner-sim, all verified
  kh_assert_eq "$1" "$(kh_sim_unique om)" "distinct delivery ids at partner-sim"
  kh_assert_eq "$1" "$(kh_sim_lines om)" "requests received (exactly once each)"
  kh_assert_eq "0" "$(grep -c '"verified":false' "$WORK/sim-om/received.jsonl" || true)" "unverified products"
}

# 1. N events through the broker.
publish "$N" CM-0344-2026
kh_wait_until 90 delivered_is "$N" ||
  kh_fail "delivered: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
check_partner "$N"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(*) FROM events WHERE state='accepted'")" "accepted events"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(*) FROM events WHERE source='rabbit'")" "events from source rabbit"
# Settled after the commit: nothing left in the queue, ready or unacknowledged.
kh_wait_until 10 queue_empty || kh_fail "queue not drained: $(rmq_queue_messages "$QUEUE") messages left"

# 2. Broker restart: stop the node, the hub reports not ready; start it with the same mnesia dir.
kh_log "stopping the broker"
rmq_stop
not_ready() { ! ready; }
kh_wait_until 15 not_ready || kh_fail "hub still ready with the broker down"
kh_wait_until 5 rabbit_disconnected || kh_fail "intake_connected with the broker down: '$(rabbit_gauge)'"
sleep 2  # a few failed reconnect attempts (connection refused) while the broker is down
kh_log "starting the broker again"
rmq_start
kh_wait_until 30 ready || kh_fail "hub did not reconnect after the broker restart: $(curl -s "http://127.0.0.1:$ADMIN_PORT/readyz")"
kh_wait_until 5 rabbit_connected || kh_fail "intake_connected not back to 1 after the restart"
kh_assert_eq "0" "$(rmq_queue_messages "$QUEUE")" "durable queue after the restart"
# Exactly one receiver link: Proton re-attaches the links it had, the hub must not add one more.
kh_wait_until 10 one_consumer || kh_fail "consumers after the restart: $(rmq_queue_consumers "$QUEUE")"

publish "$N2" CM-0345-2026
TOTAL=$((N + N2))
kh_wait_until 60 delivered_is "$TOTAL" ||
  kh_fail "delivered after restart: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
check_partner "$TOTAL"
kh_assert_eq "$TOTAL" "$(kh_sql "SELECT COUNT(*) FROM events WHERE state='accepted'")" "accepted events after restart"
kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM events WHERE duplicates > 0")" "duplicates"
kh_wait_until 10 queue_empty || kh_fail "queue not drained after restart: $(rmq_queue_messages "$QUEUE") messages left"
grep -q '"reconnected":"true"' "$WORK/hub.log" || kh_fail "hub.log has no reconnected connection"

# 3. The broker closes the hub's connection: RabbitMQ 3.10 ends the session, the TCP connection stays.
ended_sessions() { grep -c '"msg":"amqp session ended by peer"' "$WORK/hub.log" || true; }
ended_before=$(ended_sessions)  # the broker shutdown in step 2 ended one too
session_ended() { [ "$(ended_sessions)" -gt "$ended_before" ]; }
kh_log "closing the hub's broker connection"
rmq_ctl close_all_connections "ketenhub test: forced close" >/dev/null || kh_fail "close_all_connections failed"
kh_wait_until 10 session_ended || kh_fail "the hub did not notice the ended session"
kh_wait_until 15 one_consumer || kh_fail "no consumer after the forced close: $(rmq_queue_consumers "$QUEUE")"
kh_wait_until 10 ready || kh_fail "hub not ready after the forced close: $(curl -s "http://127.0.0.1:$ADMIN_PORT/readyz")"
publish "$N3" CM-0346-2026
TOTAL=$((TOTAL + N3))
kh_wait_until 60 delivered_is "$TOTAL" ||
  kh_fail "delivered after forced close: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
check_partner "$TOTAL"
kh_wait_until 10 queue_empty || kh_fail "queue not drained after forced close: $(rmq_queue_messages "$QUEUE") messages left"
kh_assert_eq "1" "$(rmq_queue_consumers "$QUEUE")" "consumers at the end"
kh_pass
