#!/usr/bin/env bash
# Bad input is accepted and quarantined with a precise reason, never dropped, never a crash; the
# hub keeps running and still delivers a good event afterwards.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kh_pki
kh_start_sim om om
MAX_MESSAGE_BYTES=65536 kh_config "$SIM_PORT_om"
kh_start_hub

EX="$SRC/examples/events/wvggz.crisismaatregel.genomen.json"
send_raw() {  # id file [send args...]
  local id=$1 file=$2
  shift 2
  local idarg=()
  [ -z "$id" ] || idarg=(--message-id "$id")
  "$BIN" send "$file" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000123 \
    --actor burgemeester:0344:test "${idarg[@]}" "$@" >>"$WORK/send.log" 2>&1 ||
    kh_fail "send of $id was not accepted (bad input must be accepted and quarantined)"
}
expect_quarantine() {  # id substring...
  local id=$1
  shift
  local reason
  reason=$(kh_sql "SELECT state || ' | ' || COALESCE(reason,'') FROM events WHERE message_id='$id'")
  [[ "$reason" == quarantined* ]] || kh_fail "$id: expected quarantined, got '$reason'"
  for s in "$@"; do
    [[ "$reason" == *"$s"* ]] || kh_fail "$id: reason '$reason' lacks '$s'"
  done
  kh_log "$id -> $reason"
}

printf 'this is { not json' >"$WORK/not.json"
send_raw bad-not-json "$WORK/not.json"
send_raw bad-no-event-type "$EX" --omit event-type
send_raw bad-unknown-type "$EX" --event-type wvggz.onbekend.type
$PY - "$EX" "$WORK/schema.json" <<'PY'
import sys, re
s = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(s.replace('"bsn": "999990019"', '"bsn": "12AB"'))
PY
send_raw bad-schema "$WORK/schema.json"
$PY -c 'import sys; open(sys.argv[1],"w").write("{\"zaaknummer\": \"" + "x"*70000 + "\"}")' "$WORK/big.json"
send_raw bad-too-large "$WORK/big.json"
cat >"$WORK/dtd.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<event><zaaknummer>&xxe;</zaaknummer></event>
XML
send_raw bad-xxe "$WORK/dtd.xml" --content-type application/xml
printf '{"zaaknummer":"CM-0344-2026-000123","a b":1}' >"$WORK/badkey.json"
send_raw bad-key "$WORK/badkey.json"
printf '{"zaaknummer":"CM-0344-2026-000123","zaaknummer":"x"}' >"$WORK/dupkey.json"
send_raw bad-dup-key "$WORK/dupkey.json"

expect_quarantine bad-not-json "not_json" "body"
expect_quarantine bad-no-event-type "missing_property" "event-type"
expect_quarantine bad-unknown-type "unknown_event_type" "wvggz.onbekend.type"
expect_quarantine bad-schema "schema_violation" "bsn"
expect_quarantine bad-too-large "too_large" "65536"
expect_quarantine bad-xxe "forbidden_dtd"
# A key that is no XML name may be data: the reason names its object and the rule, not the key.
expect_quarantine bad-key "invalid_input" "(root): a key that is not an XML name"
expect_quarantine bad-dup-key "invalid_input" "zaaknummer"
# The schema violation reason names the element but never carries the value.
! kh_sql "SELECT reason FROM events WHERE message_id='bad-schema'" | grep -q "12AB" ||
  kh_fail "quarantine reason leaks the rejected value"

# A message without a message-id is quarantined under a synthesized key.
send_raw "" "$EX" --no-message-id
[ "$(kh_sql "SELECT COUNT(*) FROM events WHERE state='quarantined' AND reason LIKE 'missing_property: properties.message-id%'")" = 1 ] ||
  kh_fail "missing message-id not quarantined"

kh_assert_eq "0" "$(kh_sql "SELECT COUNT(*) FROM deliveries")" "deliveries planned for bad input"
kill -0 "$HUB_PID" || kh_fail "hub died"
curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null || kh_fail "hub not ready after bad input"

# Still working: a good event is delivered.
send_raw good-1 "$EX"
delivered() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='delivered'")" = 1 ]; }
kh_wait_until 30 delivered || kh_fail "good event not delivered after bad input"
grep -q 'outcome="quarantined"' <(curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics") || kh_fail "quarantine metric"
! grep -E '999990019|Oudegracht|12AB' "$WORK/hub.log" || kh_fail "personal data in hub.log"
kh_pass
