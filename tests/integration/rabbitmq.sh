# shellcheck shell=bash
# A private RabbitMQ 3.10 node (AMQP 1.0 plugin) for integration tests. Source it after lib.sh.
# Everything it starts lives on free loopback ports with its own epmd, cookie, mnesia and log
# directories under $WORK, so it never meets a system broker (5672) or the system epmd (4369).
#
#   rmq_setup               pick ports, write config, start the private epmd
#   rmq_start               start the node and wait for `await_startup`
#   rmq_stop                stop the node (rabbitmqctl stop, then kill its process group)
#   rmq_teardown            rmq_stop + stop the private epmd; safe to call twice or before setup
#   rmq_ctl ARGS...         rabbitmqctl against the private node
#   rmq_declare_queue NAME  a durable classic queue in vhost /
#   rmq_queue_messages NAME messages ready + unacknowledged in NAME
#   rmq_queue_consumers NAME consumers (receiver links) on NAME
#
# Sets RMQ_PORT (AMQP), RMQ_NODE, RMQ_URL. The broker's console output goes to $WORK/rabbitmq.log,
# its own log to $WORK/rabbit/log (lib's cleanup prints the tail of $WORK/*.log on failure).

RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_DIR="$WORK/rabbit"
RMQ_NODE="ketenhub-test-$$@localhost"
RMQ_PORT=""
RMQ_URL=""
RMQ_PID=""
RMQ_EPMD_PID=""
RMQ_EPMD_PORT=""
RMQ_DIST_PORT=""

# Runs a command with the private node's environment (HOME holds the Erlang cookie).
rmq_env() {
  env HOME="$RMQ_DIR/home" \
    ERL_EPMD_PORT="$RMQ_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf" \
    RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_USE_LONGNAME=false \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RMQ_PORT" \
    RABBITMQ_DIST_PORT="$RMQ_DIST_PORT" \
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log" \
    RABBITMQ_LOGS="$WORK/rabbitmq-node.log" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$@"
}

rmq_ctl() { rmq_env timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" "$@"; }

rmq_setup() {
  [ -x "$RMQ_BIN/rabbitmq-server" ] || kh_fail "rabbitmq-server is not installed ($RMQ_BIN)"
  command -v epmd >/dev/null || kh_fail "epmd (erlang-base) is not installed"
  RMQ_PORT=$(kh_free_port)
  RMQ_DIST_PORT=$(kh_free_port)
  RMQ_EPMD_PORT=$(kh_free_port)
  RMQ_URL="amqp://127.0.0.1:$RMQ_PORT"
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  : >"$RMQ_DIR/rabbitmq-env.conf"  # never read /etc/rabbitmq/rabbitmq-env.conf
  echo '[rabbitmq_amqp1_0].' >"$RMQ_DIR/enabled_plugins"
  echo '[].' >"$RMQ_DIR/advanced.config"
  cat >"$RMQ_DIR/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$RMQ_PORT
loopback_users.guest = true
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = info
CONF
  # The node and rabbitmqctl find each other through this cookie (HOME is the same for both).
  $PY -c 'import secrets; print(secrets.token_hex(16).upper(), end="")' >"$RMQ_DIR/home/.erlang.cookie"
  chmod 400 "$RMQ_DIR/home/.erlang.cookie"
  # Our own epmd, in the foreground so we own its pid; the node finds it via ERL_EPMD_PORT.
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$RMQ_EPMD_PORT" >>"$WORK/rabbitmq-epmd.log" 2>&1 &
  RMQ_EPMD_PID=$!
  PIDS+=("$RMQ_EPMD_PID")
  kh_wait_until 10 rmq_env epmd -port "$RMQ_EPMD_PORT" -names || kh_fail "private epmd did not start"
}

rmq_start() {
  # Its own session (setsid) so stopping it also reaches erl_child_setup and friends.
  rmq_env setsid "$RMQ_BIN/rabbitmq-server" >>"$WORK/rabbitmq.log" 2>&1 &
  RMQ_PID=$!
  local end=$((SECONDS + 60))
  until rmq_ctl await_startup --timeout 5 >/dev/null 2>&1; do
    kill -0 "$RMQ_PID" 2>/dev/null || kh_fail "rabbitmq-server exited during startup (see rabbitmq.log)"
    [ $SECONDS -lt $end ] || kh_fail "rabbitmq node $RMQ_NODE did not start within 60 s"
    sleep 0.5
  done
  kh_log "rabbitmq $RMQ_NODE up on 127.0.0.1:$RMQ_PORT"
}

rmq_stop() {
  [ -n "$RMQ_PID" ] || return 0
  if kill -0 "$RMQ_PID" 2>/dev/null; then
    rmq_ctl stop >/dev/null 2>&1 || true
    for _ in $(seq 100); do kill -0 "$RMQ_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  # Whatever is left in the node's session (the wrapper script, beam, erl_child_setup).
  kill -TERM -- "-$RMQ_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$RMQ_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$RMQ_PID" 2>/dev/null || true
  wait "$RMQ_PID" 2>/dev/null || true
  RMQ_PID=""
}

rmq_teardown() {
  rmq_stop
  if [ -n "$RMQ_EPMD_PID" ]; then
    kh_stop_pid "$RMQ_EPMD_PID"
    RMQ_EPMD_PID=""
  fi
}

rmq_declare_queue() {
  local out
  out=$(rmq_ctl eval "rabbit_amqqueue:declare(rabbit_misc:r(<<\"/\">>, queue, <<\"$1\">>), \
true, false, [], none, <<\"ketenhub-test\">>).") || kh_fail "declare queue $1: $out"
  case "$out" in
    "{new,"* | "{existing,"*) ;;
    *) kh_fail "declare queue $1: $out" ;;
  esac
}

# Prints a column (messages: ready + unacknowledged, consumers, ...) of queue NAME; empty if the
# queue does not exist.
rmq_queue_info() {
  rmq_ctl list_queues --no-table-headers name "$2" | awk -v q="$1" '$1 == q { print $2 }'
}
rmq_queue_messages() { rmq_queue_info "$1" messages; }
rmq_queue_consumers() { rmq_queue_info "$1" consumers; }

# Stops the broker and epmd before lib's cleanup (which keeps the exit status).
rmq_exit_trap() {
  local rc=$?
  set +e  # under `set -e`, the `(exit $rc)` below would end the trap before kh_cleanup
  rmq_teardown
  (exit $rc)
  kh_cleanup
}
trap rmq_exit_trap EXIT
