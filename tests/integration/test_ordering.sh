#!/usr/bin/env bash
# Ordering per (partner, zaaknummer): the first delivery of case A to the IGJ fails twice and then
# succeeds; the end of that measure (same case, same partner) arrives only after it, while case B's
# delivery to the IGJ goes through meanwhile.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
A=CM-0344-2026-000123
SIM_ARGS_igj="--fail-first 2 --fail-case $A" kh_start_all_sims
RETRY_INITIAL=500ms RETRY_MAX=1s kh_config_full
kh_start_hub

# Case A: the measure and, right after, its end. Case B: another measure.
kh_send_example wvggz.crisismaatregel.genomen a-genomen
kh_send_example wvggz.crisismaatregel.beeindigd a-beeindigd
$PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/b.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1])); ev["zaaknummer"] = "CM-0344-2026-000456"
json.dump(ev, open(sys.argv[2], "w"))
PY
"$BIN" send "$WORK/b.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000456 \
  --actor burgemeester:0344:test --message-id b-genomen >>"$WORK/send.log" 2>&1 || kh_fail "send b"

igj_done() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE partner='igj' AND state='delivered'")" -eq 3 ]; }
kh_wait_until 60 igj_done || kh_fail "igj: $(kh_sql "SELECT case_id, product, state, attempts FROM deliveries WHERE partner='igj'")"

id() { kh_sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='$1' AND d.partner='igj'"; }
order=$($PY - "$WORK/sim-igj/received.jsonl" "$(id a-genomen)" "$(id a-beeindigd)" "$(id b-genomen)" <<'PY'
import json, sys
ids = [json.loads(l)["delivery_id"] for l in open(sys.argv[1]) if l.strip()]
a1, a2, b = sys.argv[2:5]
print(ids.index(a1), ids.index(a2), ids.index(b))
PY
)
read -r pa1 pa2 pb <<<"$order"
kh_log "IGJ received: A-genomen at #$pa1, A-beeindigd at #$pa2, B-genomen at #$pb"
[ "$pa1" -lt "$pa2" ] || kh_fail "A's end arrived before A's start at the IGJ"
[ "$pb" -lt "$pa1" ] || kh_fail "case B was held up by case A"
kh_assert_eq "3" "$(kh_sql "SELECT attempts FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='a-genomen' AND d.partner='igj'")" "attempts of A's first IGJ delivery"
kh_assert_eq "1" "$(kh_sql "SELECT attempts FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='a-beeindigd' AND d.partner='igj'")" "A's end went out once, after A's start"
kh_pass
