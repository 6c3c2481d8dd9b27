# shellcheck shell=bash
# A private RabbitMQ 3.10 node (AMQP 1.0 plugin) on loopback, from the Debian package: its own
# epmd, cookie, mnesia and log directories, free ports, so it never meets a system broker (5672),
# the system epmd (4369) or the rabbitmq-server service. Used by deploy/cluster/run.sh and,
# through tests/integration/rabbitmq.sh, by the integration tests.
#
#   rmq_setup               pick ports, write config, start the private epmd
#   rmq_start               start the node and wait for `await_startup`
#   rmq_stop                stop the node (rabbitmqctl stop, then kill its process group)
#   rmq_teardown            rmq_stop + stop the private epmd; safe to call twice or before setup
#   rmq_ctl ARGS...         rabbitmqctl against the private node
#   rmq_declare_queue NAME [TYPE]  a durable queue in vhost /; TYPE classic (default) or quorum
#   rmq_queue_messages NAME messages ready + unacknowledged in NAME
#   rmq_queue_consumers NAME consumers (receiver links) on NAME
#
# Where (set after sourcing this file): RMQ_DIR (default $WORK/rabbit: config, cookie, mnesia),
# RMQ_LOG_DIR (default $WORK: the console output rabbitmq.log, the node's log rabbitmq-node.log,
# epmd's rabbitmq-epmd.log), RMQ_NODE (default ketenhub-test-PID@localhost). Sets RMQ_PORT (AMQP), RMQ_URL, RMQ_PID (the
# node's session leader), RMQ_EPMD_PID, RMQ_EPMD_PORT, RMQ_DIST_PORT; a caller whose node outlives
# it (run.sh) keeps them in a file. If the caller has a PIDS array (tests/integration/lib.sh), the
# epmd pid is added to it.

RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_DIR="${WORK:-}/rabbit"
RMQ_LOG_DIR="${WORK:-}"
RMQ_NODE="ketenhub-test-$$@localhost"
RMQ_PORT=""
RMQ_URL=""
RMQ_PID=""
RMQ_EPMD_PID=""
RMQ_EPMD_PORT=""
RMQ_DIST_PORT=""

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The private node's environment (HOME holds the Erlang cookie), as env(1) arguments.
rmq_env_args() {
  RMQ_ENV=(HOME="$RMQ_DIR/home"
    ERL_EPMD_PORT="$RMQ_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_USE_LONGNAME=false
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RMQ_PORT"
    RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_LOGS="$RMQ_LOG_DIR/rabbitmq-node.log"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
}

# Runs a command with the private node's environment.
rmq_env() {
  rmq_env_args
  env "${RMQ_ENV[@]}" "$@"
}

rmq_ctl() { rmq_env timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "$RMQ_NODE" "$@"; }

rmq_setup() {
  [ -x "$RMQ_BIN/rabbitmq-server" ] || kh_fail "rabbitmq-server is not installed ($RMQ_BIN)"
  command -v epmd >/dev/null || kh_fail "epmd (erlang-base) is not installed"
  [ -n "$RMQ_LOG_DIR" ] && [ "$RMQ_DIR" != /rabbit ] || kh_fail "rmq_setup: set WORK or RMQ_DIR and RMQ_LOG_DIR"
  RMQ_PORT=$(kh_free_port)
  RMQ_DIST_PORT=$(kh_free_port)
  RMQ_EPMD_PORT=$(kh_free_port)
  RMQ_URL="amqp://127.0.0.1:$RMQ_PORT"
  mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log" "$RMQ_LOG_DIR"
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
  rm -f "$RMQ_DIR/home/.erlang.cookie"
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F >"$RMQ_DIR/home/.erlang.cookie"
  chmod 400 "$RMQ_DIR/home/.erlang.cookie"
  # Our own epmd, in the foreground so we own its pid (its own session: it outlives a terminal
  # when run.sh started it); the node finds it via ERL_EPMD_PORT.
  ERL_EPMD_ADDRESS=127.0.0.1 setsid epmd -port "$RMQ_EPMD_PORT" </dev/null \
    >>"$RMQ_LOG_DIR/rabbitmq-epmd.log" 2>&1 &
  RMQ_EPMD_PID=$!
  if declare -p PIDS >/dev/null 2>&1; then PIDS+=("$RMQ_EPMD_PID"); fi
  kh_wait_until 10 rmq_env epmd -port "$RMQ_EPMD_PORT" -names || kh_fail "private epmd did not start"
}

rmq_start() {
  # Its own session (setsid) so stopping it also reaches erl_child_setup and friends. A simple
  # command, not a function, so that $! is the session leader itself (not a subshell around it).
  rmq_env_args
  env "${RMQ_ENV[@]}" setsid "$RMQ_BIN/rabbitmq-server" </dev/null >>"$RMQ_LOG_DIR/rabbitmq.log" 2>&1 &
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
  local out args="[]"
  case "${2:-classic}" in
    classic) ;;
    quorum) args="[{<<\"x-queue-type\">>, longstr, <<\"quorum\">>}]" ;;
    *) kh_fail "rmq_declare_queue: queue type '$2' is not classic or quorum" ;;
  esac
  out=$(rmq_ctl eval "rabbit_amqqueue:declare(rabbit_misc:r(<<\"/\">>, queue, <<\"$1\">>), \
true, false, $args, none, <<\"ketenhub\">>).") || kh_fail "declare queue $1: $out"
  case "$out" in
    "{new,"* | "{existing,"*) ;;
    *) kh_fail "declare queue $1: $out" ;;
  esac
}

# Prints a column (messages: ready + unacknowledged, consumers, type, ...) of queue NAME; empty if
# the queue does not exist.
rmq_queue_info() {
  rmq_ctl list_queues --no-table-headers name "$2" | awk -v q="$1" '$1 == q { print $2 }'
}
rmq_queue_messages() { rmq_queue_info "$1" messages; }
rmq_queue_consumers() { rmq_queue_info "$1" consumers; }
