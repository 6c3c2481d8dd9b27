# shellcheck shell=bash
# A private RabbitMQ 3.10 node (AMQP 1.0 plugin) for integration tests. Source it after lib.sh.
# The node code is deploy/cluster/lib/rabbitmq.sh (rmq_setup, rmq_start, rmq_stop, rmq_teardown,
# rmq_ctl, rmq_declare_queue, rmq_queue_messages, rmq_queue_consumers: see there); everything
# lives under $WORK (config and mnesia in $WORK/rabbit; the broker's console output in
# $WORK/rabbitmq.log, its own log in $WORK/rabbitmq-node.log: lib's cleanup prints the tail of
# $WORK/*.log on failure). This file adds the test's EXIT trap.

# shellcheck source=../../deploy/cluster/lib/rabbitmq.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/cluster/lib/rabbitmq.sh"

# Stops the broker and epmd before lib's cleanup (which keeps the exit status).
rmq_exit_trap() {
  local rc=$?
  set +e  # under `set -e`, the `(exit $rc)` below would end the trap before kh_cleanup
  rmq_teardown
  (exit $rc)
  kh_cleanup
}
trap rmq_exit_trap EXIT
