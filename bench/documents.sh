#!/usr/bin/env bash
# Events with large documents through the whole hub: the full catalogue (all five partner
# simulators, the repository's routes, the OM over Digikoppeling WUS), intake.max_message_bytes at
# its default (4 MiB). A synthetic crisis-measure event whose "besluit" is a ~2.2 MiB PDF (starts
# with "%PDF-1.4\n", the rest deterministic random bytes, correct sha256), ~3 MiB of JSON in all,
# is sent N times (distinct message-ids and case ids); then the same with the small example event
# as a baseline. Each phase runs in a fresh hub (VmHWM is a high-water mark) with a fresh store.
# Prints per phase: events, deliveries, wall time, deliveries/s, the hub's RSS before, peak
# (VmHWM) and at the end; the size of one signed OM product as the simulator stored it; and checks
# that the documents travel to the OM and the IGJ (sha256 intact) and not to the RvR or the PvP,
# and that an event 2 bytes over intake.max_message_bytes is quarantined too_large.
# Usage: bash bench/documents.sh [N]   (N default 20)
# Env: KETENHUB_BIN (default build/ketenhub; copied into the work dir first), WORKERS
#      (engine.workers; default: the hub's, one per core), TARGET_BYTES (JSON body of the large
#      event, default 3 MiB), SETTLE (seconds idle before a second end-of-phase RSS reading, 10).
set -euo pipefail
N="${1:-20}"
export MAX_MESSAGE_BYTES=$((4 * 1024 * 1024))  # the hub's default; lib.sh's tests use 64 KiB
# shellcheck source=tests/integration/lib.sh
source "$(cd "$(dirname "$0")" && pwd)/../tests/integration/lib.sh"
TARGET_BYTES="${TARGET_BYTES:-$((3 * 1024 * 1024))}"
SETTLE="${SETTLE:-10}"
EXAMPLE="$SRC/examples/events/wvggz.crisismaatregel.genomen.json"
TYPE=wvggz.crisismaatregel.genomen
[ -x "$BIN" ] || kh_fail "no hub binary at $BIN (set KETENHUB_BIN)"
# A private copy: a concurrent rebuild of the build tree must not swap the binary mid-run.
cp "$BIN" "$WORK/ketenhub"
BIN="$WORK/ketenhub"
"$BIN" --help >/dev/null 2>&1 || kh_fail "$BIN does not run (being linked? try again)"

# The large event: the example with its "besluit" replaced by a synthetic PDF sized so that the
# compact JSON body is TARGET_BYTES (ketenhub send re-serialises the body compactly per message).
$PY - "$EXAMPLE" "$WORK/large.json" "$TARGET_BYTES" <<'PY'
import base64, hashlib, json, random, sys
src, dst, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
ev = json.load(open(src))
doc = next(d for d in ev["documenten"] if d["soort"] == "besluit")
dump = lambda e: json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode()
doc["inhoud"] = ""
rest = len(dump(ev))
size = (target - rest) // 4 * 3 - 9  # base64 of size+9 bytes fits in target - rest
pdf = b"%PDF-1.4\n" + random.Random(20261201).randbytes(size)
doc["inhoud"] = base64.b64encode(pdf).decode()
doc["sha256"] = hashlib.sha256(pdf).hexdigest()
body = dump(ev)
open(dst, "wb").write(body)
print(f"documents: large event {len(body)} bytes of JSON, besluit PDF {len(pdf)} bytes "
      f"({len(doc['inhoud'])} bytes base64), other documents "
      f"{sum(len(d['inhoud']) for d in ev['documenten'] if d is not doc)} bytes base64")
PY
# Just over intake.max_message_bytes, built the same way (the documents count against it).
$PY - "$WORK/large.json" "$WORK/oversize.json" "$MAX_MESSAGE_BYTES" <<'PY'
import base64, hashlib, json, sys
src, dst, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
ev = json.load(open(src))
ev["zaaknummer"] = "CM-0344-2026-999999"
doc = next(d for d in ev["documenten"] if d["soort"] == "besluit")
pdf = base64.b64decode(doc["inhoud"])
dump = lambda e: json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode()
pdf += b"%" * ((limit - len(dump(ev))) // 4 * 3 + 3)
doc["inhoud"] = base64.b64encode(pdf).decode()
doc["sha256"] = hashlib.sha256(pdf).hexdigest()
body = dump(ev)
assert limit < len(body) < limit + 16, len(body)
open(dst, "wb").write(body)
PY

kh_pki
kh_start_all_sims
kh_config_full
if [ -n "${WORKERS:-}" ]; then sed -i "s|^engine:|engine:\n  workers: $WORKERS|" "$WORK/hub.yaml"; fi
"$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1 || kh_fail "config check: $(cat "$WORK/check.log")"

kb() { awk '/^'"$2"':/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz}' "/proc/$1/stat"; }
zaak() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$1"; }
sims_cpu() {  # CPU seconds of the five partner simulators together
  local p v t=0
  for p in om igj pvp rvr ciz; do
    v="SIM_PID_$p"
    t=$(awk -v t="$t" -v c="$(cpu_s "${!v}")" 'BEGIN { print t + c }')
  done
  echo "$t"
}

# run_phase LABEL EVENT_FILE [OVERSIZE_FILE]: a fresh hub and store, N events, waits until every
# delivery is final. Sets R_<field> for the report.
run_phase() {
  local label=$1 file=$2
  rm -f "$WORK"/ketenhub.db "$WORK"/ketenhub.db-*
  kh_start_hub
  local hub=$HUB_PID
  sleep 1  # let start-up allocations settle before the "before" reading
  R_before=$(kb "$hub" VmRSS)
  local case_args=(--case-id CM-0344-2026)  # send numbers them CM-0344-2026-NNNNNN, a store per phase
  if [ "$N" -eq 1 ]; then  # one message: send keeps the body, so the case id is its zaaknummer
    case_args=(--case-id "$(zaak "$file")")
  fi
  kh_log "$label: sending $N events ($(wc -c <"$file") bytes each) ..."
  local t0 t1 sims0
  sims0=$(sims_cpu)
  t0=$(date +%s%N)
  "$BIN" send "$file" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events --event-type "$TYPE" \
    "${case_args[@]}" --actor "burgemeester:0344:bench" --count "$N" >>"$WORK/send-$label.log" 2>&1 ||
    kh_fail "$label: send failed: $(tail -2 "$WORK/send-$label.log")"
  local events=0
  for _ in $(seq 3000); do
    events=$(kh_sql "SELECT COUNT(*) FROM events")
    [ "$events" -lt "$N" ] || break
    sleep 0.2
  done
  kh_assert_eq "$N" "$events" "$label: events in the store"
  kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM events WHERE state != 'accepted'")" \
    "$label: quarantined events ($(kh_sql "SELECT reason FROM events WHERE state != 'accepted' LIMIT 1"))"
  R_deliveries=$(kh_sql "SELECT COUNT(*) FROM deliveries")
  local final=0
  for _ in $(seq 6000); do  # 20 minutes at most
    final=$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')")
    [ "$final" -lt "$R_deliveries" ] || break
    sleep 0.2
  done
  t1=$(date +%s%N)
  kh_assert_eq "$R_deliveries" "$final" "$label: final deliveries"
  kh_assert_eq "$R_deliveries" "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" \
    "$label: delivered ($(kh_sql "SELECT partner, state, reason FROM deliveries WHERE state != 'delivered' LIMIT 3"))"
  R_peak=$(kb "$hub" VmHWM)
  R_end=$(kb "$hub" VmRSS)
  R_cpu=$(cpu_s "$hub")
  R_sims_cpu=$(awk -v a="$sims0" -v b="$(sims_cpu)" 'BEGIN { printf "%.1f", b - a }')
  R_events=$events
  R_wall_ms=$(((t1 - t0) / 1000000))
  # Store timestamps: first event received -> last delivery final (not limited by this poll loop).
  R_store_ms=$(kh_sql "SELECT MAX(d.final_at) - MIN(e.received_at) FROM deliveries d JOIN events e ON e.id=d.event_id")
  R_dps=$(awk -v n="$R_deliveries" -v ms="$R_store_ms" 'BEGIN { printf "%.1f", n * 1000 / (ms > 0 ? ms : 1) }')
  R_by_partner=$(kh_sql "SELECT partner || ' ' || COUNT(*) FROM deliveries GROUP BY partner ORDER BY partner" | paste -sd, - | sed 's/,/, /g')
  R_om_id=$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='om' ORDER BY seq LIMIT 1")
  R_igj_id=$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='igj' ORDER BY seq LIMIT 1")
  R_rvr_id=$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='rvr' ORDER BY seq LIMIT 1")
  R_pvp_id=$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='pvp' ORDER BY seq LIMIT 1")
  sleep "$SETTLE"
  R_idle=$(kb "$hub" VmRSS)
  if [ -n "${3:-}" ]; then  # after the readings: one event just over the limit is quarantined
    "$BIN" send "$3" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events --event-type "$TYPE" \
      --case-id "$(zaak "$3")" \
      --actor "burgemeester:0344:bench" --message-id oversize >>"$WORK/send-$label.log" 2>&1 ||
      kh_fail "$label: send of the oversize event failed"
    R_oversize=""
    for _ in $(seq 100); do
      R_oversize=$(kh_sql "SELECT state || ': ' || reason FROM events WHERE message_id='oversize'")
      [ -z "$R_oversize" ] || break
      sleep 0.2
    done
    [[ "$R_oversize" == "quarantined: too_large: body: "*"intake.max_message_bytes $MAX_MESSAGE_BYTES" ]] ||
      kh_fail "$label: an event of $(wc -c <"$3") bytes: '$R_oversize'"
  fi
  kh_stop_pid "$hub"
  local keep=()
  for p in "${PIDS[@]}"; do [ "$p" = "$hub" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# check_products LABEL EVENT_FILE: the OM and IGJ products carry the event's documents (same
# sha256, decoded content intact), the RvR and PvP products have no documenten element.
check_products() {
  local label=$1 file=$2
  $PY - "$file" "$WORK/sim-om/$R_om_id.xml" "$WORK/sim-igj/$R_igj_id.xml" \
    "$WORK/sim-rvr/$R_rvr_id.xml" "$WORK/sim-pvp/$R_pvp_id.xml" <<'PY' || kh_fail "$label: documents in the products"
import base64, hashlib, json, sys
import xml.etree.ElementTree as ET
event = json.load(open(sys.argv[1]))
local = lambda e: e.tag.rsplit("}", 1)[-1]
want = [d["sha256"] for d in event["documenten"]]
for path, carries in zip(sys.argv[2:], (True, True, False, False)):
    root = ET.parse(path).getroot()
    has = [e for e in root.iter() if local(e) == "documenten"]
    docs = [{local(c): c.text for c in d} for d in root.iter() if local(d) == "document"]
    if not carries:
        assert not has and not docs, f"{path}: has documenten"
        continue
    assert has, f"{path}: no documenten element"
    assert [d["sha256"] for d in docs] == want, f"{path}: {[d['sha256'] for d in docs]} != {want}"
    for d in docs:
        pdf = base64.b64decode(d["inhoud"])
        assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == d["sha256"], path
PY
  R_om_bytes=$(wc -c <"$WORK/sim-om/$R_om_id.xml")
  R_om_request=$(grep -h "\"delivery_id\":\"$R_om_id\"" "$WORK/sim-om.log" | grep -o '"bytes":[0-9]*' | head -1 | cut -d: -f2)
  R_rvr_bytes=$(wc -c <"$WORK/sim-rvr/$R_rvr_id.xml")
}

sec() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
report() {
  local label=$1 file=$2
  echo "documents: $label: $R_events events of $(wc -c <"$file") bytes," \
    "$R_deliveries deliveries ($R_by_partner), all delivered"
  echo "documents: $label: wall $(sec "$R_wall_ms") s (send to last delivered, polled)," \
    "store first-received..last-final $(sec "$R_store_ms") s = $R_dps deliveries/s;" \
    "CPU: hub $R_cpu s, partner simulators $R_sims_cpu s"
  echo "documents: $label: hub RSS before $(mb "$R_before") MB, peak (VmHWM) $(mb "$R_peak") MB," \
    "end $(mb "$R_end") MB, after ${SETTLE}s idle $(mb "$R_idle") MB"
  echo "documents: $label: signed OM product as stored by the simulator $R_om_bytes bytes" \
    "(WUS request body ${R_om_request:-?} bytes); RvR product $R_rvr_bytes bytes, without documenten"
  if [ -n "${R_oversize:-}" ]; then
    echo "documents: $label: an event of $(wc -c <"$WORK/oversize.json") bytes: $R_oversize"
  fi
}

WORKERS_NOTE="${WORKERS:-default (one per core)}"
run_phase small "$EXAMPLE"
check_products small "$EXAMPLE"
declare -A S=([dps]=$R_dps [peak]=$R_peak)
report small "$EXAMPLE" >"$WORK/report-small.txt"
run_phase large "$WORK/large.json" "$WORK/oversize.json"
check_products large "$WORK/large.json"
report large "$WORK/large.json" >"$WORK/report-large.txt"

echo
echo "documents: $(nproc) cores; hub workers $WORKERS_NOTE; intake.max_message_bytes" \
  "$MAX_MESSAGE_BYTES; partner simulators verify signatures and schemas and store every product"
cat "$WORK/report-small.txt" "$WORK/report-large.txt"
EXTRA_KB=$((R_peak - S[peak]))
echo "documents: peak RSS above the baseline's: $(mb "$EXTRA_KB") MB =" \
  "$(awk -v d="$EXTRA_KB" -v b="$(wc -c <"$WORK/large.json")" 'BEGIN { printf "%.1f", d * 1024 / b }')" \
  "x one large event body"
echo "documents: n=$N small_dps=${S[dps]} large_dps=$R_dps small_peak_rss_mb=$(mb "${S[peak]}")" \
  "large_peak_rss_mb=$(mb "$R_peak") large_end_rss_mb=$(mb "$R_end") om_product_bytes=$R_om_bytes"
