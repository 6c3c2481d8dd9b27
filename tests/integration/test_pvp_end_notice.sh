#!/usr/bin/env bash
# The PvP's end notice follows the case's own history, not the end event's consent field: it goes
# out when the PvP got (or will get) the start notice of the same case, and then after it; it does
# not when the start notice was never planned (no consent at the start), and the event's history
# says why. Also: `route test` shows the end notice as conditional.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
A=CM-0344-2026-000123  # the examples' case: consent at the start, none in the end event
B=CM-0344-2026-000888  # no consent at the start, consent in the end event
C=CM-0344-2026-000999  # an end without a start in the hub
# The PvP refuses A's first attempts: A's start notice is still on its way when the end arrives.
SIM_ARGS_pvp="--fail-first 3 --fail-case $A" kh_start_all_sims
RETRY_INITIAL=500ms RETRY_MAX=1s kh_config_full

# The dry run cannot see the case's history: it shows the end notice as conditional.
"$BIN" route test --config "$WORK/hub.yaml" "$SRC/examples/events/wvggz.crisismaatregel.beeindigd.json" \
  --partner pvp --out "$WORK/route-test" >"$WORK/route-test.log" 2>&1 || kh_fail "route test: $(cat "$WORK/route-test.log")"
grep -q "conditional: planned only if this case already has a delivery pvp/informeren-pvp" "$WORK/route-test.log" ||
  kh_fail "route test does not show the condition: $(cat "$WORK/route-test.log")"
kh_start_hub

# event FILE: a copy of an example with another zaaknummer and consent flag (true|false|absent).
variant() {
  local type=$1 case_id=$2 consent=$3 out=$4
  $PY - "$SRC/examples/events/$type.json" "$out" "$case_id" "$consent" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
ev["zaaknummer"] = sys.argv[3]
if sys.argv[4] == "absent":
    ev["betrokkene"].pop("toestemmingPvp", None)
else:
    ev["betrokkene"]["toestemmingPvp"] = sys.argv[4] == "true"
json.dump(ev, open(sys.argv[2], "w"))
PY
}
send() {  # send TYPE CASE CONSENT MESSAGE_ID
  variant "$1" "$2" "$3" "$WORK/$4.json"
  "$BIN" send "$WORK/$4.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type "$1" --case-id "$2" --actor burgemeester:0344:test --message-id "$4" \
    >>"$WORK/send.log" 2>&1 || kh_fail "send $4"
}
send wvggz.crisismaatregel.genomen "$A" true a-start
send wvggz.crisismaatregel.beeindigd "$A" false a-end
send wvggz.crisismaatregel.genomen "$B" false b-start
send wvggz.crisismaatregel.beeindigd "$B" true b-end
send wvggz.crisismaatregel.beeindigd "$C" true c-end

q() { kh_sql "$@"; }
pvp_of() { q "SELECT d.$2 FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='$1' AND d.partner='pvp'"; }
note_of() { q "SELECT h.note FROM event_history h JOIN events e ON e.id=h.event_id WHERE e.message_id='$1' AND h.note LIKE '$2%'"; }

# A: the end notice was planned while the start notice was still on its way ...
accepted() { [ "$(q "SELECT COUNT(*) FROM events WHERE message_id='c-end' AND state='accepted'")" -eq 1 ]; }
kh_wait_until 30 accepted || kh_fail "events not stored: $(q "SELECT message_id, state, reason FROM events")"
a_note=$(note_of a-end "condition of pvp/informeren-pvp-beeindiging holds")
[ -n "$a_note" ] || kh_fail "a-end history: $(note_of a-end "")"
kh_log "a-end: $a_note"
[[ "$a_note" != *"(delivered)"* ]] || kh_fail "A's start notice was already delivered: the test did not hold it back"
# ... and both reach the PvP, the end after the start.
pvp_done() { [ "$(q "SELECT COUNT(*) FROM deliveries WHERE partner='pvp' AND state='delivered'")" -eq 2 ]; }
kh_wait_until 60 pvp_done || kh_fail "pvp: $(q "SELECT case_id, product, state, attempts, reason FROM deliveries WHERE partner='pvp'")"
start_id=$(pvp_of a-start delivery_id)
end_id=$(pvp_of a-end delivery_id)
order=$($PY - "$WORK/sim-pvp/received.jsonl" "$start_id" "$end_id" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ids = [r["delivery_id"] for r in recs if r.get("verified")]
print(ids.index(sys.argv[2]), ids.index(sys.argv[3]))
PY
)
read -r p_start p_end <<<"$order"
[ "$p_start" -lt "$p_end" ] || kh_fail "the PvP got A's end notice before its start notice"
kh_assert_eq "4" "$(pvp_of a-start attempts)" "attempts of A's start notice (3 refused)"
kh_assert_eq "1" "$(pvp_of a-end attempts)" "A's end notice went out once, after the start"

# B and C: no start notice to the PvP, so no end notice, whatever the end event says; the history
# and the audit trail say why.
for m in b-start b-end c-end; do
  kh_assert_eq "" "$(pvp_of $m delivery_id)" "PvP delivery of $m"
done
for m in b-end c-end; do
  note=$(note_of $m "not planned pvp/")
  kh_assert_eq "not planned pvp/informeren-pvp-beeindiging: no delivery pvp/informeren-pvp for this case before this event" \
    "$note" "history of $m"
done
kh_assert_eq "not planned pvp/informeren-pvp: condition /betrokkene/toestemmingPvp equals 'true' not met (field has another value)" \
  "$(note_of b-start "not planned pvp/")" "history of b-start"
# The other partners of the end events are not affected.
kh_assert_eq "2" "$(q "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='b-end'")" "deliveries of b-end (om, igj)"
others_done() { [ "$(q "SELECT COUNT(*) FROM deliveries WHERE state!='delivered'")" -eq 0 ]; }
kh_wait_until 60 others_done || kh_fail "not delivered: $(q "SELECT case_id, partner, product, state, reason FROM deliveries WHERE state!='delivered'")"
not_planned=$(cat "$WORK"/audit/audit-*.jsonl | $PY -c '
import json, sys
n = 0
for line in sys.stdin:
    r = json.loads(line)
    if r.get("action") == "routed" and r.get("outcome") == "not_planned" and \
       r.get("reason", "").startswith("not planned pvp/informeren-pvp-beeindiging: no delivery"):
        n += 1
print(n)')
kh_assert_eq "2" "$not_planned" "audit records of the end notices not planned (b-end, c-end)"

! grep -E '999990019|Oudegracht' "$WORK/hub.log" || kh_fail "personal data in hub.log"
kh_pass
