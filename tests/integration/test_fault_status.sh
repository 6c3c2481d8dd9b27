#!/usr/bin/env bash
# The partner answers 503 (transient): retried and delivered, attempts recorded with the status.
# The partner answers 400 (permanent): dead at once, with the status in the reason.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki

# 503 for the first 3 requests, then 200.
kh_start_sim om om --fail-first 3
kh_config "$SIM_PORT_om"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq 1 ]; }
kh_wait_until 60 delivered || kh_fail "503 not retried to success: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq "4" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts (3 x 503 + 1 x 200)"
kh_assert_eq "3" "$(kh_sql "SELECT COUNT(*) FROM attempts WHERE http_status=503 AND outcome='transient_error'")" "503 attempts recorded"
kh_stop_pid "$HUB_PID"
kh_stop_pid "$SIM_PID_om"

# 400: permanent, dead with the status in the reason, exactly one attempt.
rm -f "$WORK/ketenhub.db"*
kh_start_sim om400 om --status 400
kh_config "$SIM_PORT_om400"
kh_start_hub
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 1 ]; }
kh_wait_until 30 dead || kh_fail "400 did not end dead: $(kh_sql "SELECT state, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM deliveries")
[[ "$reason" == *"HTTP 400"* ]] || kh_fail "dead reason '$reason' lacks the status"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries")" "attempts for a permanent error"
grep -q 'outcome="dead"' <(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || kh_fail "dead metric"
kh_pass
