#!/usr/bin/env bash
# No value ever leaves in a log line or a quarantine reason. Events of every type whose fields
# carry a name, a BSN, CR/LF, an ANSI escape and forged JSON go through the real hub (JSON bodies,
# their XML form, malformed XML and JSON, hostile message properties); the hub's whole log, the
# quarantine reasons in the store and those the admin API lists may carry none of those values,
# no telling fragment of 4 bytes of one, and no control character. Reasons still name the place
# and the rule, and the stored body keeps the data for operators.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kh_pki
kh_start_all_sims
kh_config_full
kh_start_hub

mkdir -p "$WORK/ev"
# One event per field of every example: the field gets one of the hostile values (in turn); every
# third one is also sent as its XML form. Plus hostile keys and malformed bodies.
# Manifest: message-id, event type, case id, content type, file (tab-separated).
$PY - "$SRC/examples/events" "$WORK/ev" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
types = ["wvggz.crisismaatregel.genomen", "wvggz.crisismaatregel.beeindigd",
         "wvggz.zorgmachtiging.aanvraag", "wzd.inbewaringstelling.genomen",
         "wzd.inbewaringstelling.beeindigd"]
forged = '","level":"error","msg":"x'
hostile = [
    "Pieter Jan van Dijk\r\nM. Bakker",
    " Pieter Jan van Dijk ",
    "\x1b[31mPieter Jan van Dijk\x1b[0m",
    forged,
    "M. Bakker 999990019\r\n" + forged + " O'Brien' is not accepted by the pattern 'x",
    "999990019",
    "Pieter Jan van Dijk " * 14,
]

def leaves(v, path=()):
    yield path
    if isinstance(v, dict):
        for k, c in v.items():
            yield from leaves(c, path + (k,))
    elif isinstance(v, list):
        for i, c in enumerate(v):
            yield from leaves(c, path + (i,))

def put(v, path, value):
    for step in path[:-1]:
        v = v[step]
    v[path[-1]] = value

def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace("\r", "&#13;"))

def to_xml(name, v):  # the documented JSON -> XML rule, for the values used here
    if isinstance(v, dict):
        return "<%s>%s</%s>" % (name, "".join(to_xml(k, c) for k, c in v.items()), name)
    if isinstance(v, list):
        return "".join(to_xml(name, c) for c in v)
    if isinstance(v, bool):
        return "<%s>%s</%s>" % (name, "true" if v else "false", name)
    return "<%s>%s</%s>" % (name, esc(str(v)), name)

def xml_form(ev):
    body = "".join(to_xml(k, c) for k, c in ev.items())
    return '<event xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">%s</event>' % body

manifest = open(os.path.join(out, "manifest"), "w")
n = 0
def emit(type_, case_id, ctype, text):
    global n
    n += 1
    f = os.path.join(out, "ev-%d" % n)
    open(f, "w", encoding="utf-8", newline="").write(text)
    manifest.write("pii-%d\t%s\t%s\t%s\t%s\n" % (n, type_, case_id, ctype, f))

for t in types:
    example = json.load(open(os.path.join(src, t + ".json")))
    case_id = example["zaaknummer"]
    for i, path in enumerate(p for p in leaves(example) if p):
        ev = json.loads(json.dumps(example))
        put(ev, path, hostile[i % len(hostile)])
        emit(t, case_id, "application/json", json.dumps(ev))
        if i % 3 == 0 and "\x1b" not in hostile[i % len(hostile)]:
            emit(t, case_id, "application/xml", xml_form(ev))
    for key in ["Pieter Jan van Dijk", "999990019", "M. Bakker\r\n" + forged]:
        ev = json.loads(json.dumps(example))
        ev["betrokkene" if "betrokkene" in ev else "zaaknummer"] = {key: 1}
        emit(t, case_id, "application/json", json.dumps(ev))
# The outside check's finding: a contact's name with CR/LF, refused by the text pattern.
ev = json.load(open(os.path.join(src, types[0] + ".json")))
ev["contactpersoon"]["naam"] = "M. Bakker\r\nPieter Jan van Dijk"
emit(types[0], ev["zaaknummer"], "application/json", json.dumps(ev))
emit(types[0], ev["zaaknummer"], "application/xml", xml_form(ev))
malformed_xml = [
    "<event><zaaknummer>CM-0344-2026-000123</zaaknummer><naam>Pieter Jan van Dijk</Dijk></event>",
    "<event><!-- Pieter Jan van Dijk 999990019",
    "<event><![CDATA[M. Bakker 999990019",
    "<event><naam Pieter Jan van Dijk/></event>",
    "<event xmlns:p=\"Pieter Jan van Dijk 999990019\"/>",
    "<event>&Pieter;</event>",
    "<?xml version=\"1.0\" encoding=\"Pieter-Dijk\"?><event/>",
    "<event>M. Bakker\x1b[31m</event>",
    "<event><naam>" + forged + "</naam></event>",
    "<gebeurtenis>O'Brien</gebeurtenis>",
]
for text in malformed_xml:
    emit(types[0], "CM-0344-2026-000123", "application/xml", text)
malformed_json = [
    '{"zaaknummer": "Pieter Jan van Dijk\r\n999990019',
    '{"naam": "M. Bakker", "naam": "O\'Brien"}',
    '{"naam": "\x1b[31mM. Bakker"}',
    '["Pieter Jan van Dijk"]',
]
for text in malformed_json:
    emit(types[0], "CM-0344-2026-000123", "application/json", text)
PY

sent=0
while IFS=$'\t' read -r id type case_id ctype file; do
  "$BIN" send "$file" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type "$type" --case-id "$case_id" --actor burgemeester:0344:test --message-id "$id" \
    --content-type "$ctype" >>"$WORK/send.log" 2>&1 || kh_fail "send of $id was not accepted"
  sent=$((sent + 1))
done <"$WORK/ev/manifest"

# Hostile message properties on the example event.
EX="$SRC/examples/events/wvggz.crisismaatregel.genomen.json"
props() {  # id property value
  "$BIN" send "$EX" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
    --actor burgemeester:0344:test --message-id "$1" "--$2" "$3" >>"$WORK/send.log" 2>&1 ||
    kh_fail "send of $1 was not accepted"
  sent=$((sent + 1))
}
props prop-type event-type $'wvggz.x\r\n","level":"error","msg":"Pieter Jan van Dijk'
props prop-type2 event-type $'\e[31mM. Bakker 999990019'
props prop-ctype content-type $'text/plain\r\n\e[31mPieter Jan van Dijk'
props prop-case case-id $'CM-0344-2026-000123\r\n","msg":"M. Bakker 999990019'

all_stored() { [ "$(kh_sql "SELECT COUNT(*) FROM events")" -eq "$sent" ]; }
kh_wait_until 120 all_stored || kh_fail "stored $(kh_sql "SELECT COUNT(*) FROM events") of $sent events"
settled() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending','retry_wait','in_flight','fallback')")" -eq 0 ]; }
kh_wait_until 120 settled || kh_log "deliveries still in progress (logs so far are checked)"
quarantined=$(kh_sql "SELECT COUNT(*) FROM events WHERE state='quarantined'")
kh_log "$sent events sent, $quarantined quarantined"
[ "$quarantined" -gt $((sent / 2)) ] || kh_fail "only $quarantined of $sent events quarantined"

# The quarantine reasons as the admin API lists them (every page).
A="http://127.0.0.1:$ADMIN_PORT"
: >"$WORK/api-reasons"
cursor=""
while :; do
  curl -sf "$A/api/v1/quarantine?limit=500${cursor:+&cursor=$cursor}" >"$WORK/page.json" ||
    kh_fail "admin API quarantine list"
  cursor=$($PY - "$WORK/page.json" "$WORK/api-reasons" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a", encoding="utf-8") as out:
    for item in page["items"]:
        out.write(json.dumps(item["reason"]) + "\n")
print(page.get("next_cursor") or "")
PY
)
  [ -n "$cursor" ] || break
done
kh_assert_eq "$quarantined" "$(wc -l <"$WORK/api-reasons")" "reasons listed by the admin API"
curl -sf "$A/api/v1/quarantine/prop-type" >"$WORK/one.json" || kh_fail "admin API show"
kh_sql "SELECT reason FROM events WHERE state='quarantined'" >"$WORK/db-reasons"
kh_assert_eq 0 "$(kh_sql "SELECT COUNT(*) FROM events WHERE instr(reason, char(10)) > 0 OR instr(reason, char(13)) > 0")" \
  "stored reasons with a line break"

# Every string in the log (each line's keys and values, JSON-decoded: the log escapes CR/LF, ESC
# and quotes, so a value could hide behind its escapes; a line that is not JSON as it is) and every
# reason, against the telling fragments of the data. The admin API's event view also shows the
# properties as received (like the stored body, for operators): only its reason is checked.
$PY - "$WORK/hub.log" "$WORK/db-reasons" "$WORK/api-reasons" "$WORK/one.json" <<'PY' || kh_fail "a value leaked (above)"
import json, sys
secrets = ["Pieter Jan van Dijk", "999990019", "M. Bakker", "O'Brien", "\x1b[31m",
           '","level":"error","msg":"x']
# Fragments made of lower-case letters and spaces only are left out: the log's and the reasons'
# own words contain those ("ter " of "Pieter " in "Character"; "level" of the forged JSON).
fragments = sorted({s[i:i + 4] for s in secrets for i in range(len(s) - 3)
                    if s[i:i + 4].strip("abcdefghijklmnopqrstuvwxyz ")})
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, c in v.items():
            yield k
            yield from strings(c)
    elif isinstance(v, list):
        for c in v:
            yield from strings(c)
def texts(path):
    raw = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith("one.json"):
        yield json.loads(raw)["reason"]
        return
    for line in raw.splitlines():
        if path.endswith("db-reasons"):
            yield line
            continue
        try:
            yield from strings(json.loads(line))
        except ValueError:
            yield line
bad = 0
for path in sys.argv[1:]:
    for text in texts(path):
        hits = [f for f in fragments if f in text]
        if any(ord(c) < 0x20 or ord(c) == 0x7f for c in text):
            hits.append("a control character")
        if hits:
            bad += 1
            print("%s: %r in %r" % (path, hits, text[:300]))
sys.exit(1 if bad else 0)
PY

# Reasons name the place and the rule (spot checks), and the body is stored as sent.
kh_sql "SELECT reason FROM events WHERE state='quarantined'" |
  grep -q "/event/contactpersoon/naam: \[facet 'pattern'\] the value is not accepted by the pattern '" ||
  kh_fail "no pattern reason for the contact's name: $(head -5 "$WORK/db-reasons")"
grep -q "a key that is not an XML name" "$WORK/db-reasons" || kh_fail "no reason for a hostile key"
grep -q "^unknown_event_type: application-properties.event-type: no route for this event type$" \
  "$WORK/db-reasons" || kh_fail "hostile event type reason"
[ "$(kh_sql "SELECT COUNT(*) FROM events WHERE state='quarantined' AND instr(body, 'Pieter Jan van Dijk') > 0")" -gt 0 ] ||
  kh_fail "the stored bodies lost the data operators need"

kill -0 "$HUB_PID" || kh_fail "hub died"
kh_pass
