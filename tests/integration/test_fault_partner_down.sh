#!/usr/bin/env bash
# Partner down, then up: deliveries are retried (attempts recorded with their reason) and delivered.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=20
kh_pki
OM_PORT=$(kh_free_port)
kh_config "$OM_PORT"
kh_start_hub
kh_send "$N" >"$WORK/send.log" 2>&1 || kh_fail "send: $(cat "$WORK/send.log")"

retried() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE attempts >= 2 AND state != 'delivered'")" -eq "$N" ]; }
kh_wait_until 60 retried || kh_fail "not retried: $(kh_sql "SELECT state, attempts FROM deliveries LIMIT 5")"
reason=$(kh_sql "SELECT reason FROM attempts LIMIT 1")
[[ "$reason" == *connect* || "$reason" == *refused* ]] || kh_fail "attempt reason '$reason' does not say the partner was unreachable"
kh_assert_eq "retry_wait" "$(kh_sql "SELECT DISTINCT state FROM deliveries WHERE state != 'in_flight' LIMIT 1")" "state while down"

SIM_LISTEN_PORT=$OM_PORT kh_start_sim om om
all_delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$N" ]; }
kh_wait_until 60 all_delivered || kh_fail "not delivered after partner came up"
kh_assert_eq "$N" "$(kh_sim_unique om)" "distinct deliveries at partner"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(DISTINCT delivery_seq) FROM attempts WHERE outcome='transient_error'")" "deliveries with a recorded failed attempt"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE outcome='delivered'")" "successful attempts"
kh_pass
