#!/usr/bin/env bash
# The circuit breaker stops hammering a partner that is down (open after N consecutive transient
# failures, one half-open probe at a time), shows in /metrics and /api/v1/status, and closes again
# when a probe succeeds; then the waiting deliveries go out.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=30
kh_pki
OM_PORT=$(kh_free_port)
BREAKER_FAILURES=3 BREAKER_OPEN_FOR=2s RETRY_INITIAL=100ms RETRY_MAX=200ms kh_config "$OM_PORT"
kh_start_hub
kh_send "$N" >"$WORK/send.log" 2>&1 || kh_fail "send"
open() { curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | grep 'ketenhub_circuit_open{partner="om"} 1' >/dev/null; }
kh_wait_until 20 open || kh_fail "circuit did not open"
curl -sf "http://127.0.0.1:$ADMIN_PORT/api/v1/status" | grep '"state":"circuit-open"' >/dev/null || kh_fail "status does not show circuit-open"
a1=$(kh_sql "SELECT COUNT(*) FROM attempts")
sleep 3
a2=$(kh_sql "SELECT COUNT(*) FROM attempts")
kh_log "attempts while open: $a1 -> $a2 in 3 s ($N deliveries waiting, retry every 100-200 ms)"
# Without the breaker 30 deliveries retrying every <=200 ms would make >100 attempts in 3 s; with
# it, only a probe per 2 s goes out (tolerance for attempts still finishing when it opened).
[ $((a2 - a1)) -le 10 ] || kh_fail "breaker did not hold back attempts: $((a2 - a1)) in 3 s"

SIM_LISTEN_PORT=$OM_PORT kh_start_sim om om
all() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$N" ]; }
kh_wait_until 30 all || kh_fail "not delivered after recovery: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
closed() { curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | grep 'ketenhub_circuit_open{partner="om"} 0' >/dev/null; }
kh_wait_until 10 closed || kh_fail "circuit did not close"

# The outage in the log, line by line: each failed attempt (with its reason code and the time of
# the next attempt) and each change of the circuit, as JSON with ids and codes only.
$PY - "$WORK/hub.log" <<'PY' || kh_fail "the outage is not in the log as it should be"
import json, sys
recs = []
for line in open(sys.argv[1]):
    try:
        recs.append(json.loads(line))
    except ValueError:
        pass
failed = [r for r in recs if r.get("msg") == "delivery attempt failed"]
assert failed, "no 'delivery attempt failed' line"
for r in failed:
    for k in ("delivery_id", "partner", "channel", "attempt", "outcome", "reason_code", "reason", "next"):
        assert r.get(k) not in (None, ""), (k, r)
assert any(r["reason_code"] == "connect" and r["next_attempt_at"] for r in failed), failed[:3]
changes = [(r["from"], r["to"]) for r in recs if r.get("msg") == "circuit changed" and r.get("partner") == "om"]
assert ("closed", "open") in changes, changes
assert changes[-1][1] == "closed", changes
print("log: %d failed attempts, circuit %s" % (len(failed), " -> ".join([changes[0][0]] + [c[1] for c in changes])))
PY
kh_pass
