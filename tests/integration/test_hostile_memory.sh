#!/usr/bin/env bash
# One hostile message must not cost many times its size: a batch built to blow up the JSON -> XML
# conversion and the XML parser (deep nesting, a million-element array, a 5 MiB string, long keys
# repeated a million times, a million XML elements, escapes that grow five-fold, a quadratic key
# check, billion laughs and a quadratic entity blow-up) is refused message by message, each with
# its precise reason, and the hub's peak RSS (VmHWM) stays under 64 MB + 4 x
# intake.max_message_bytes. A good event is still delivered afterwards.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MAX=$((4 * 1024 * 1024))
kh_pki
kh_start_sim om om
MAX_MESSAGE_BYTES=$MAX kh_config "$SIM_PORT_om"
kh_start_hub

mkdir -p "$WORK/hostile"
$PY - "$WORK/hostile" <<'PY'
import os, sys
d = sys.argv[1]
z = '"zaaknummer":"CM-0344-2026-000123"'
def w(name, text):
    open(os.path.join(d, name), "w").write(text)
n = 200000
w("deep.json", '{' + z + ',"a":' + '{"a":' * n + '1' + '}' * n + '}')
w("array.json", '{' + z + ',"a":[' + ','.join(['1'] * 1000000) + ']}')
w("string.json", '{' + z + ',"a":"' + 'x' * (5 * 1024 * 1024) + '"}')
w("longkey.json", '{' + z + ',"' + 'k' * 1000 + '":[' + ','.join(['1'] * 1000000) + ']}')
w("escapes.json", '{' + z + ',"a":"' + '&' * (4 * 1024 * 1024 - 64) + '"}')
w("keys.json", '{' + z + ',' + ','.join('"k%d":1' % i for i in range(300000)) + '}')
w("elements.xml", '<event><zaaknummer>CM-0344-2026-000123</zaaknummer>' + '<a/>' * 1000000 + '</event>')
w("laughs.xml", '<?xml version="1.0"?>\n<!DOCTYPE event [<!ENTITY l0 "ha">' +
  ''.join('<!ENTITY l%d "%s">' % (i, ('&l%d;' % (i - 1)) * 10) for i in range(1, 10)) +
  ']>\n<event>&l9;</event>')
w("quadratic.xml", '<?xml version="1.0"?>\n<!DOCTYPE event [<!ENTITY a "' + 'x' * 100000 + '">]>\n<event>' +
  '&a;' * 30000 + '</event>')
PY

baseline=$(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status")
kh_log "hub VmHWM before the batch: ${baseline} kB"

send_hostile() {  # id file content-type
  "$BIN" send "$2" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
    --actor burgemeester:0344:test --message-id "$1" --content-type "$3" >>"$WORK/send.log" 2>&1 ||
    kh_fail "send of $1 was not settled"
  kh_log "$1 sent: hub VmHWM $(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status") kB"
}
expect() {  # id code where
  local got
  got=$(kh_sql "SELECT state || ' | ' || COALESCE(reason,'') FROM events WHERE message_id='$1'")
  [[ "$got" == "quarantined | $2"* ]] || kh_fail "$1: expected quarantined with $2, got '${got:0:300}'"
  [[ "$got" == *"$3"* ]] || kh_fail "$1: reason '${got:0:300}' lacks '$3'"
  kh_log "$1 -> ${got:0:200}"
}

for f in deep array string longkey escapes keys; do send_hostile "hostile-$f" "$WORK/hostile/$f.json" application/json; done
for f in elements laughs quadratic; do send_hostile "hostile-$f" "$WORK/hostile/$f.xml" application/xml; done

peak=$(awk '/VmHWM/ {print $2}' "/proc/$HUB_PID/status")
bound=$((64 * 1024 + 4 * MAX / 1024))
kh_log "hub VmHWM after the batch: ${peak} kB (bound ${bound} kB = 64 MB + 4 x max_message_bytes)"
echo "hostile batch: VmHWM ${baseline} kB -> ${peak} kB (bound ${bound} kB)"

expect hostile-deep invalid_input "nesting deeper than"
expect hostile-array too_large "elements"
expect hostile-string too_large "intake.max_message_bytes"
expect hostile-longkey too_large "bytes of XML"
expect hostile-escapes too_large "bytes of XML"
expect hostile-keys too_large "elements"
expect hostile-elements too_large "elements"
expect hostile-laughs forbidden_dtd "DTD"
expect hostile-quadratic forbidden_dtd "DTD"
[ "$peak" -le "$bound" ] || kh_fail "peak RSS ${peak} kB exceeds ${bound} kB"


kh_send_example wvggz.crisismaatregel.genomen after-hostile
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" = 1 ]; }
kh_wait_until 30 delivered ||
  kh_fail "a good event after the hostile batch was not delivered"
kh_pass
