#!/usr/bin/env bash
# The whole event catalogue with the repository's routes: every example event reaches every
# partner its route names, over mutual TLS (the OM over Digikoppeling WUS), signed and
# schema-valid at the partner; the PvP is informed only with the patient's consent, and when it is
# not, the event's history in the store says why; legal deadlines are stored per delivery.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
kh_start_all_sims
kh_config_full
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check: $(cat "$WORK/check.log")"
kh_start_hub

i=0
for t in wvggz.crisismaatregel.genomen wvggz.crisismaatregel.beeindigd wvggz.zorgmachtiging.aanvraag \
  wzd.inbewaringstelling.genomen wzd.inbewaringstelling.beeindigd; do
  i=$((i + 1))
  kh_send_example "$t" "example-$i"
done
# Consent withheld (false) and absent: no PvP delivery.
for variant in false absent; do
  $PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/consent-$variant.json" "$variant" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
ev["zaaknummer"] = "CM-0344-2026-0009" + ("01" if sys.argv[3] == "false" else "02")
if sys.argv[3] == "false":
    ev["betrokkene"]["toestemmingPvp"] = False
else:
    del ev["betrokkene"]["toestemmingPvp"]
json.dump(ev, open(sys.argv[2], "w"))
PY
  case_id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$WORK/consent-$variant.json")
  "$BIN" send "$WORK/consent-$variant.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id "$case_id" --actor burgemeester:0344:test \
    --message-id "consent-$variant" >>"$WORK/send.log" 2>&1 || kh_fail "send consent-$variant"
done

expected=$((13 + 3 + 3))
all_final() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$expected" ]; }
kh_wait_until 90 all_final || kh_fail "delivered: $(kh_sql "SELECT partner, product, state, reason FROM deliveries WHERE state != 'delivered'")"

# Every (event, partner, product) of the catalogue, delivered once and verified by the partner.
while IFS='|' read -r msg partner product; do
  id=$(kh_sql "SELECT d.delivery_id FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='$msg' AND d.partner='$partner' AND d.product='$product'")
  [ -n "$id" ] || kh_fail "$msg: no delivery $partner/$product"
  grep -q "\"delivery_id\":\"$id\".*\"verified\":true" "$WORK/sim-$partner/received.jsonl" ||
    kh_fail "$msg: $partner/$product not received verified"
done <<'ROWS'
example-1|om|kennisgeving-crisismaatregel
example-1|igj|melding-crisismaatregel
example-1|pvp|informeren-pvp
example-1|rvr|verzoek-aanwijzing-advocaat
example-2|om|kennisgeving-beeindiging-crisismaatregel
example-2|igj|melding-beeindiging-crisismaatregel
example-2|pvp|informeren-pvp-beeindiging
example-3|om|aanvraag-voorbereiding-zorgmachtiging
example-4|igj|melding-ibs
example-4|rvr|verzoek-aanwijzing-advocaat
example-4|ciz|kennisgeving-ibs
example-5|igj|melding-beeindiging-ibs
example-5|ciz|kennisgeving-beeindiging-ibs
ROWS
kh_assert_eq "13" "$(kh_sql "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id LIKE 'example-%'")" "deliveries for the examples"

# PvP consent: not planned, and the history says why (without the value).
for variant in false absent; do
  kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='consent-$variant' AND d.partner='pvp'")" "PvP deliveries without consent ($variant)"
  note=$(kh_sql "SELECT h.note FROM event_history h JOIN events e ON e.id=h.event_id WHERE e.message_id='consent-$variant' AND h.note LIKE 'not planned pvp/%'")
  [[ "$note" == *"/betrokkene/toestemmingPvp"* ]] || kh_fail "history for consent-$variant: '$note'"
  kh_log "consent-$variant: $note"
done

# Legal deadlines (start|deadline of the legal period): the lawyer request and the OM notice 24 h
# after the decision; the CIZ report by the end of the decision's day in Amsterdam; the request to
# prepare a care authorisation by the end of the 14th day from the report's receipt (day 1).
ms() { $PY -c 'import datetime,sys; print(int(datetime.datetime.fromisoformat(sys.argv[1]).timestamp()*1000))' "$1"; }
legal() { kh_sql "SELECT d.legal_start_at||'|'||d.legal_deadline_at FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='$1' AND d.partner='$2'"; }
t0=$(ms 2026-11-21T23:40:00+01:00)
kh_assert_eq "$t0|$((t0 + 86400000))" "$(legal example-1 rvr)" "legal period of the lawyer request"
kh_assert_eq "$t0|$((t0 + 86400000))" "$(legal example-1 om)" "legal period of the OM notice"
kh_assert_eq "$(ms 2026-11-22T02:05:00+01:00)|$(ms 2026-11-23T00:00:00+01:00)" "$(legal example-4 ciz)" "legal period of the CIZ report"
kh_assert_eq "$(ms 2026-11-10T00:00:00+01:00)|$(ms 2026-11-24T00:00:00+01:00)" "$(legal example-3 om)" "legal period of the care authorisation request"
# Operators are warned when half of a legal deadline is used: a lawyer request for a decision taken
# 20 hours ago, while the legal aid board's endpoint is down.
kh_stop_pid "$SIM_PID_rvr"
$PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/late.json" <<'PY'
import datetime, json, sys
ev = json.load(open(sys.argv[1]))
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
ev["zaaknummer"] = "CM-0344-2026-000777"
ev["besluit"]["datumTijd"] = (now - datetime.timedelta(hours=20)).isoformat()
ev["besluit"]["geldigTot"] = (now + datetime.timedelta(days=2)).isoformat()
json.dump(ev, open(sys.argv[2], "w"))
PY
"$BIN" send "$WORK/late.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000777 --actor burgemeester:0344:test \
  --message-id late-1 >>"$WORK/send.log" 2>&1 || kh_fail "send late-1"
rvr_waiting() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries d JOIN events e ON e.id=d.event_id WHERE e.message_id='late-1' AND d.partner='rvr' AND d.attempts >= 1")" -eq 1 ]; }
kh_wait_until 30 rvr_waiting || kh_fail "late lawyer request not attempted"
curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | grep 'ketenhub_deliveries_past_half_legal_deadline{partner="rvr"} 1' >/dev/null ||
  kh_fail "no past-half-legal-deadline warning: $(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | grep past_half)"

! grep -E '999990019|999991772|999992314|Oudegracht' "$WORK/hub.log" || kh_fail "personal data in hub.log"
kh_pass
