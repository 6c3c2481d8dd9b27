#!/usr/bin/env bash
# A partner endpoint whose server certificate is not signed by the configured CA is refused: the
# product is never sent; the attempt is recorded as a TLS failure and, at the deadline, it is dead.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
SIM_CERT="$WORK/pki/rogue-partner.crt" SIM_KEY="$WORK/pki/rogue-partner.key" kh_start_sim rogue om
DEADLINE=4s kh_config "$SIM_PORT_rogue"
kh_start_hub
kh_send 2 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 2 ]; }
kh_wait_until 30 dead || kh_fail "not dead: $(kh_sql "SELECT state, reason FROM deliveries")"
reason=$(kh_sql "SELECT reason FROM attempts LIMIT 1")
[[ "$reason" == *tls* || "$reason" == *certificate* ]] || kh_fail "attempt reason '$reason' is not a TLS refusal"
kh_assert_eq "0" "$(kh_sim_lines rogue)" "products received by the rogue endpoint"
ls "$WORK/sim-rogue"/*.xml >/dev/null 2>&1 && kh_fail "rogue endpoint stored a product"
kh_pass
