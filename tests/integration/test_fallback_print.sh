#!/usr/bin/env bash
# Fallback to print, and the end of the chain, with real servers on loopback:
#   2. partner down, the SMTP relay offers no STARTTLS -> print: a PDF and its manifest in the
#      spool; pdftotext shows the zaaknummer, every recipient address line (with diacritics) and
#      the product title; manifest pdf_sha256 matches the file, its product_sha256 is the stored
#      signed product's; no mail command reached the relay in clear. The letter encloses the
#      event's documents (the copy of the decision, the medical statement): their text is on the
#      pages after the letter, the letter lists them, the manifest counts their pages.
#   2b. the same event to the OM and the RvR, both printed: the RvR letter encloses nothing. An
#      event whose medical statement is a damaged PDF (it passes intake: it starts with %PDF- and
#      has the declared SHA-256): the OM letter is not printed, the reason names the document.
#   3. everything down (no relay; the spool dir replaced by a file) -> dead, with each channel's
#      reason in deliveries.reasons; /metrics ketenhub_deliveries_dead_within_legal_deadline > 0 and
#      the dead delivery still in ketenhub_deliveries_past_half_legal_deadline.
#   7. kill -9 while letters are being written: no half letter is visible (every manifest has its
#      complete PDF), and after a restart every letter is written exactly once, no temp files left.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fallback_lib.sh"
T0=$SECONDS
kh_pki
mkdir -p "$WORK/print-spool"
SPOOL_DIR="$WORK/print-spool"
OM_PORT=$(kh_free_port)  # nothing listens here
ZAAK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$EVENT_JSON")

# check_letter PDF: the manifest next to it matches the PDF and the delivery.
check_letter() {
  local pdf=$1 man=${1%.pdf}.json
  [ -f "$man" ] || kh_fail "no manifest for $pdf"
  kh_assert_eq "$(sha256sum "$pdf" | cut -d' ' -f1)" \
    "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["pdf_sha256"])' "$man")" "manifest pdf_sha256 of $(basename "$pdf")"
}

# The example event's documents, decoded: "soort bestandsnaam sha256" per line in DOCS, and the
# first line of each one's text (pdftotext) in DOC_TEXT[i].
DOCS=$($PY - "$EVENT_JSON" "$WORK" <<'PY'
import base64, json, sys
for i, d in enumerate(json.load(open(sys.argv[1]))["documenten"]):
    open("%s/doc-%d.pdf" % (sys.argv[2], i), "wb").write(base64.b64decode(d["inhoud"]))
    print(d["soort"], d["bestandsnaam"], d["sha256"])
PY
)
DOC_TEXT=()
for ((i = 0; i < $(echo "$DOCS" | wc -l); i++)); do
  DOC_TEXT+=("$(pdftotext -enc UTF-8 "$WORK/doc-$i.pdf" - | head -1)")
  [ -n "${DOC_TEXT[$i]}" ] || kh_fail "example document $i has no text"
done

# manifest_field MANIFEST KEY
manifest_field() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# check_enclosed PDF: the letter lists the example event's documents and its last pages are
# theirs, in order; the manifest lists them with their pages, and "pages" counts every page.
check_enclosed() {
  local pdf=$1 man=${1%.pdf}.json pages page
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  kh_assert_eq "$pages" "$(manifest_field "$man" pages)" "manifest pages of $(basename "$pdf")"
  kh_assert_eq "$DOCS" "$($PY -c '
import json,sys
for e in json.load(open(sys.argv[1]))["enclosures"]: print(e["soort"], e["bestandsnaam"], e["sha256"])' "$man")" \
    "manifest enclosures of $(basename "$pdf")"
  # The first page of each enclosure: after the letter's pages and the enclosures before it.
  page=$((pages - $($PY -c 'import json,sys; print(sum(e["pages"] for e in json.load(open(sys.argv[1]))["enclosures"]))' "$man") + 1))
  local i=0 n
  for n in $($PY -c 'import json,sys; print(*[e["pages"] for e in json.load(open(sys.argv[1]))["enclosures"]])' "$man"); do
    pdftotext -enc UTF-8 -f "$page" -l "$page" "$pdf" - | grep -qF "${DOC_TEXT[$i]}" \
      || kh_fail "page $page of $(basename "$pdf") is not enclosure $((i + 1)) ('${DOC_TEXT[$i]}')"
    page=$((page + n))
    i=$((i + 1))
  done
  pdftotext -enc UTF-8 -f 1 -l $((pages - i)) "$pdf" - | tr '\n' ' ' | grep -qF "Bijlagen: kopie van het besluit (besluit-crisismaatregel.pdf)" \
    || kh_fail "the letter does not list its enclosures"
}

# ---- 2. partner down, relay without STARTTLS -> print
kh_log "phase 2: partner down, relay without STARTTLS -> print"
fb_start_smtp plain nostarttls
SMTP_URL="smtp://localhost:$SMTP_PORT_plain" FB_DEADLINE=1s SM_DEADLINE=2s fb_config "$OM_PORT"
kh_start_hub
# The letter renderer (cairo, pango, poppler) is a module the first letter loads: not mapped before.
renderer_maps() { grep -cE '/libketenhub-pdf\.so|/libcairo\.so|/libpoppler' "/proc/$HUB_PID/maps" || true; }
kh_assert_eq 0 "$(renderer_maps)" "renderer libraries mapped before the first letter"
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
kh_wait_until 25 fb_state_is delivered || kh_fail "not printed: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries")"
kh_assert_eq "delivered|print|2" "$(kh_sql "SELECT state, channel, channel_index FROM deliveries")" "state, channel, channel_index"
[ "$(renderer_maps)" -ge 3 ] || kh_fail "the letter renderer module and its libraries are not mapped after a letter"
chain=$(kh_sql "SELECT group_concat(channel, ' ') FROM (SELECT DISTINCT channel FROM attempts ORDER BY attempt)")
kh_assert_eq "rest-xml securemail print" "$chain" "channels tried in order"
[[ "$(kh_sql "SELECT reason FROM attempts WHERE channel='securemail' LIMIT 1")" == *[Ss][Tt][Aa][Rr][Tt][Tt][Ll][Ss]* ]] \
  || kh_fail "the securemail reason does not say the relay offers no STARTTLS: $(kh_sql "SELECT reason FROM attempts WHERE channel='securemail' LIMIT 1")"
! grep -q '"event": "\(mail\|rcpt\|data\|auth\)"' "$WORK/smtp-plain.jsonl" 2>/dev/null || kh_fail "the hub talked SMTP in clear: $(cat "$WORK/smtp-plain.jsonl")"
kh_assert_eq 1 "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.pdf' | wc -l)" "PDFs in the spool"
kh_assert_eq 1 "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.json' | wc -l)" "manifests in the spool"
PDF=$(find "$SPOOL_DIR" -maxdepth 1 -name '*.pdf')
check_letter "$PDF"
MAN=${PDF%.pdf}.json
pdftotext -enc UTF-8 "$PDF" "$WORK/letter.txt" || kh_fail "pdftotext failed"
for want in "$ZAAK" "$PRINT_ADDR_1" "$PRINT_ADDR_2" "$PRINT_ADDR_3" "$PRINT_ADDR_4" "Kennisgeving crisismaatregel (Wvggz)"; do
  grep -qF "$want" "$WORK/letter.txt" || kh_fail "letter text lacks '$want' (see $(head -c 600 "$WORK/letter.txt"))"
done
kh_sql "SELECT hex(signed) FROM products" | xxd -r -p >"$WORK/product.xml"
PSHA=$(sha256sum "$WORK/product.xml" | cut -d' ' -f1)
kh_assert_eq "$PSHA" "$(kh_sql "SELECT product_sha256 FROM deliveries")" "deliveries.product_sha256 = sha256(products.signed)"
read -r man_psha man_file man_zaak man_rcpt <<<"$($PY -c '
import json,sys; m=json.load(open(sys.argv[1]))
print(m["product_sha256"], m["pdf_file"], m["zaaknummer"], "|".join(m["recipient"]).replace(" ", "_"))' "$MAN")"
kh_assert_eq "$PSHA" "$man_psha" "manifest product_sha256"
kh_assert_eq "$(basename "$PDF")" "$man_file" "manifest pdf_file"
kh_assert_eq "$ZAAK" "$man_zaak" "manifest zaaknummer"
kh_assert_eq "$PRINT_ADDR_1|$PRINT_ADDR_2|$PRINT_ADDR_3|$PRINT_ADDR_4" "${man_rcpt//_/ }" "manifest recipient"
"$BIN" verify "$WORK/product.xml" --ca "$WORK/pki/ca.crt" >"$WORK/verify.log" 2>&1 || kh_fail "ketenhub verify: $(cat "$WORK/verify.log")"
check_enclosed "$PDF"
kh_log "phase 2 ok: the letter has $(manifest_field "$MAN" pages) pages with its enclosures"

# ---- 2b. OM and RvR by print: only the OM letter encloses; a damaged document stops the letter
kh_log "phase 2b: OM and RvR letters; a damaged enclosure"
fb_fresh
rm -f "$SPOOL_DIR"/*
FB_DEADLINE=1s FB_FALLBACK="[print]" fb_config "$OM_PORT"
# The RvR as a second partner of the same event (nothing listens at its endpoint either).
cat >>"$WORK/routes/partners.yaml" <<YAML
  rvr:
    name: Raad voor Rechtsbijstand
    adapter: rest-xml
    endpoint: https://localhost:$OM_PORT/rvr/verzoeken
    tls:
      ca: [pki/ca.crt]
      client_certificate: pki/hub-client.crt
      client_key: pki/hub-client.key
    concurrency: 2
    timeouts: {connect: 2s, request: 10s}
    print:
      address: ["Raad voor Rechtsbijstand", "Piketcentrale", "Postbus 70", "3500 AB Utrecht"]
YAML
cat >>"$WORK/routes/wvggz.yaml" <<YAML
      - partner: rvr
        product: verzoek-aanwijzing-advocaat
        deadline: 1s
        fallback: [print]
YAML
# The same event with a damaged medical statement under the SHA-256 of its bytes.
$PY - "$EVENT_JSON" "$WORK/event-damaged.json" <<'PY'
import base64, hashlib, json, sys
e = json.load(open(sys.argv[1]))
e["zaaknummer"] = "CM-0344-2026-000124"
bad = b"%PDF-1.4\nkapot: geen objecten, geen xref\n%%EOF\n"
for d in e["documenten"]:
    if d["soort"] == "medische-verklaring":
        d["inhoud"] = base64.b64encode(bad).decode()
        d["sha256"] = hashlib.sha256(bad).hexdigest()
json.dump(e, open(sys.argv[2], "w"), ensure_ascii=False)
PY
kh_start_hub
fb_send "$EVENT_JSON" --message-id enclosed-1
fb_send "$WORK/event-damaged.json" --message-id damaged-1
settled() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered', 'dead')")" -eq 4 ]; }
kh_wait_until 30 settled || kh_fail "not settled: $(kh_sql "SELECT partner, case_id, state, reasons FROM deliveries")"
kh_assert_eq "CM-0344-2026-000123|om|delivered
CM-0344-2026-000123|rvr|delivered
CM-0344-2026-000124|om|dead
CM-0344-2026-000124|rvr|delivered" \
  "$(kh_sql "SELECT case_id, partner, state FROM deliveries ORDER BY case_id, partner")" "deliveries"
dead_reason=$(kh_sql "SELECT reasons FROM deliveries WHERE state='dead'")
[[ "$dead_reason" == *"print: "*"enclosure 2 (medische-verklaring, medische-verklaring.pdf) is damaged"* ]] \
  || kh_fail "the reason does not name the damaged document: $dead_reason"
[[ "$dead_reason" != *kapot* ]] || kh_fail "the reason quotes the document: $dead_reason"
kh_log "damaged enclosure: $dead_reason"
OM_PDF=$SPOOL_DIR/om-$(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='om' AND state='delivered'").pdf
check_letter "$OM_PDF"
check_enclosed "$OM_PDF"
for d in $(kh_sql "SELECT delivery_id FROM deliveries WHERE partner='rvr'"); do
  RVR_PDF=$SPOOL_DIR/rvr-$d.pdf
  check_letter "$RVR_PDF"
  kh_assert_eq "[]" "$(manifest_field "${RVR_PDF%.pdf}.json" enclosures)" "RvR manifest enclosures"
  kh_assert_eq "$(pdfinfo "$RVR_PDF" | awk '/^Pages:/ {print $2}')" "$(manifest_field "${RVR_PDF%.pdf}.json" pages)" "RvR manifest pages"
  pdftotext -enc UTF-8 "$RVR_PDF" "$WORK/rvr.txt"
  grep -qF "Verzoek aanwijzing advocaat" "$WORK/rvr.txt" || kh_fail "not an RvR letter: $(head -c 400 "$WORK/rvr.txt")"
  for t in "${DOC_TEXT[@]}" Bijlagen; do
    ! grep -qF "$t" "$WORK/rvr.txt" || kh_fail "the RvR letter encloses '$t'"
  done
done
kh_assert_eq 3 "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.json' | wc -l)" "letters in the spool"
kh_log "phase 2b ok"

# ---- 3. everything down -> dead, with every channel's reason and the legal-deadline metrics
kh_log "phase 3: all channels down -> dead"
fb_fresh
kh_stop_pid "$SMTP_PID_plain"  # nothing listens on its port any more
rm -f "$SPOOL_DIR"/*
# Legal deadline 4 h from the decision, taken 3 h ago: more than half used, not yet passed.
fb_event_now "$WORK/event-now.json" 3
SMTP_URL="smtp://localhost:$SMTP_PORT_plain" FB_DEADLINE=1s SM_DEADLINE=1s PR_DEADLINE=1s \
  FB_ROUTE_EXTRA="        legal_deadline: {from: /besluit/datumTijd, after: 4h}" fb_config "$OM_PORT"
# A spool_dir that is a file is refused up front (config check and run) ...
rm -rf "$SPOOL_DIR" && echo "not a directory" >"$SPOOL_DIR"
if "$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1; then kh_fail "config check accepted a spool_dir that is a file"; fi
grep -q 'spool_dir .* is not a directory' "$WORK/check.log" || kh_fail "config check: $(cat "$WORK/check.log")"
# ... so it turns into a file only once the hub runs.
rm -f "$SPOOL_DIR" && mkdir "$SPOOL_DIR"
kh_start_hub
rm -rf "$SPOOL_DIR" && echo "not a directory" >"$SPOOL_DIR"
fb_send "$WORK/event-now.json" --message-id dead-1
kh_wait_until 25 fb_state_is dead || kh_fail "not dead: $(kh_sql "SELECT state, current_channel, reasons FROM deliveries")"
reasons=$(kh_sql "SELECT reasons FROM deliveries")
kh_log "reasons: $reasons"
[[ "$reasons" == "rest-xml: "*"; securemail: "*"; print: "* ]] || kh_fail "reasons lack a channel: $reasons"
kh_assert_eq "rest-xml securemail print" \
  "$(kh_sql "SELECT group_concat(channel, ' ') FROM (SELECT DISTINCT channel FROM attempts ORDER BY attempt)")" "channels tried"
[ -n "$(kh_sql "SELECT legal_deadline_at FROM deliveries")" ] || kh_fail "no legal deadline stored"
dead_m=$(fb_metric 'ketenhub_deliveries_dead_within_legal_deadline{partner="om"}')
half_m=$(fb_metric 'ketenhub_deliveries_past_half_legal_deadline{partner="om"}')
kh_log "metrics: dead_within_legal=$dead_m past_half=$half_m"
[ "${dead_m:-0}" != 0 ] || kh_fail "ketenhub_deliveries_dead_within_legal_deadline{partner=\"om\"} is '${dead_m}', expected > 0"
[ "${half_m:-0}" != 0 ] || kh_fail "ketenhub_deliveries_past_half_legal_deadline{partner=\"om\"} is '${half_m}', expected > 0 for a dead delivery past half"
# /api/v1/status names it too, with the channel the delivery died on.
status=$(curl -sf "http://127.0.0.1:$ADMIN_PORT/api/v1/status")
$PY - "$status" <<'PY' || kh_fail "status: $status"
import json, sys
om = json.loads(sys.argv[1])["partners"]["om"]
assert om.get("dead") == 1, om
assert om.get("dead_within_legal_deadline") == 1, om
assert om["channels"]["print"]["dead"] == 1, om
PY
kh_log "phase 3 ok"

# ---- 7. kill -9 while letters are being written; restart -> every letter once, no half file
kh_log "phase 7: kill -9 while writing letters"
fb_fresh
rm -f "$SPOOL_DIR" && mkdir -p "$SPOOL_DIR"
N=40
FB_DEADLINE=1s FB_FALLBACK="[print]" fb_config "$OM_PORT"
kh_start_hub
kh_send "$N" >"$WORK/send.log" 2>&1 || kh_fail "send"
some_written() { [ "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.json' | wc -l)" -ge 1 ]; }
kh_wait_until 30 some_written || kh_fail "no letters written: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
kill -KILL "$HUB_PID"
wait "$HUB_PID" 2>/dev/null || true
npdf=$(find "$SPOOL_DIR" -maxdepth 1 -name '*.pdf' | wc -l)
njson=$(find "$SPOOL_DIR" -maxdepth 1 -name '*.json' | wc -l)
kh_log "at the kill: $npdf pdf, $njson json, $(find "$SPOOL_DIR" -maxdepth 1 -name '.*' -type f | wc -l) hidden temp files"
[ "$njson" -lt "$N" ] || kh_log "note: all letters were written before the kill"
odd=$(find "$SPOOL_DIR" -maxdepth 1 -type f ! -name '.*' ! -name '*.pdf' ! -name '*.json' | wc -l)
kh_assert_eq 0 "$odd" "visible files other than *.pdf and *.json after the kill"
for man in "$SPOOL_DIR"/*.json; do check_letter "${man%.json}.pdf"; done
# A PDF without its manifest (killed between the two renames) is not a letter yet.
[ $((npdf - njson)) -ge 0 ] && [ $((npdf - njson)) -le 8 ] || kh_fail "pdf/json counts after the kill: $npdf/$njson"
kh_start_hub
all() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" -eq "$N" ]; }
kh_wait_until 40 all || kh_fail "after restart: $(kh_sql "SELECT state, COUNT(*) FROM deliveries GROUP BY state")"
kh_assert_eq "$N" "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.pdf' | wc -l)" "PDFs after restart"
kh_assert_eq "$N" "$(find "$SPOOL_DIR" -maxdepth 1 -name '*.json' | wc -l)" "manifests after restart"
kh_assert_eq 0 "$(find "$SPOOL_DIR" -maxdepth 1 -name '.*' -type f | wc -l)" "temp files left after restart"
for man in "$SPOOL_DIR"/*.json; do check_letter "${man%.json}.pdf"; done
kh_assert_eq "$N" "$(for m in "$SPOOL_DIR"/*.json; do $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["delivery_id"])' "$m"; done | sort -u | wc -l)" "distinct delivery ids in the manifests"
kh_log "run time $((SECONDS - T0)) s"
kh_pass
