#!/usr/bin/env bash
# kill -9 of the hub in the middle of intake. Every message the hub accepted before the crash is in
# its store (accept only after commit); the sender then redelivers the whole run with the same
# message-ids, as a broker or workflow system redelivers what was not settled: every event ends
# delivered exactly once per delivery id, and what was already stored counts as a duplicate.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${N:-3000}
kh_pki
kh_start_sim om om
kh_config "$SIM_PORT_om"
kh_start_hub
kh_send "$N" --message-id crash --window 200 --rate 1500 >"$WORK/send1.log" 2>&1 &
SEND=$!
PIDS+=($SEND)
some_stored() { [ "$(kh_sql "SELECT COUNT(*) FROM events")" -ge 500 ]; }
kh_wait_until 60 some_stored || kh_fail "intake did not start"
kill -KILL "$HUB_PID"
wait "$SEND" 2>/dev/null && kh_fail "send finished although the hub was killed mid-run" || true
accepted=$(grep -o 'accepted=[0-9]*' "$WORK/send1.log" | cut -d= -f2)
stored=$(kh_sql "SELECT COUNT(*) FROM events")
kh_log "first run: sender saw $accepted accepted; store holds $stored events after kill -9"
[ -n "$accepted" ] || kh_fail "send printed no summary: $(cat "$WORK/send1.log")"
[ "$accepted" -lt "$N" ] || kh_fail "the kill came too late: everything was accepted"
[ "$accepted" -le "$stored" ] || kh_fail "accepted $accepted but only $stored stored: an accept before the commit"

kh_start_hub
kh_send "$N" --message-id crash --window 500 >"$WORK/send2.log" 2>&1 || kh_fail "resend: $(cat "$WORK/send2.log")"
all() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$N" ]; }
kh_wait_until 120 all || kh_fail "after restart: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
kh_assert_eq "$N" "$(kh_sql "SELECT COUNT(*) FROM events")" "events stored once each"
kh_assert_eq "$stored" "$(kh_sql "SELECT SUM(duplicates) FROM events")" "redelivered events counted as duplicates"
kh_assert_eq "$N" "$(kh_sim_unique om)" "distinct delivery ids at the partner"
kh_pass
