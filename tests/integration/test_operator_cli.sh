#!/usr/bin/env bash
# The operator CLI against a running hub with bearer tokens: `ketenhub status` shows the partner
# and the intake source; `dlq list` shows a dead delivery, `dlq show` its JSON, `dlq replay` as
# viewer is refused and as operator replays it once the partner is back; without a token the
# command exits 1 with the hub's 401 reason; `quarantine list/show/replay` on an unrouted event;
# the token never in the output; usage errors exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
VIEWER_TOKEN="viewer-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
OPERATOR_TOKEN="operator-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
hash() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

kh_start_sim om400 om --status 400
kh_config "$SIM_PORT_om400"
cat >"$WORK/tokens" <<EOT
night.viewer viewer sha256:$(hash "$VIEWER_TOKEN")
alice.operator operator sha256:$(hash "$OPERATOR_TOKEN")
EOT
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"
kh_start_hub
(umask 077 && echo "$VIEWER_TOKEN" >"$WORK/viewer.token" && echo "$OPERATOR_TOKEN" >"$WORK/operator.token")
export KETENHUB_ADMIN="http://127.0.0.1:$ADMIN_PORT"
unset KETENHUB_TOKEN NO_COLOR
# cli OUT_NAME CMD...: runs ketenhub, stdout to $WORK/OUT_NAME.out, stderr to .err; echoes the rc.
cli() {
  local name=$1
  shift
  local rc=0
  "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo $rc
}
show() { echo "--- stdout"; cat "$WORK/$1.out"; echo "--- stderr"; cat "$WORK/$1.err"; }

# ---- usage
kh_assert_eq 0 "$(cli help status --help)" "status --help"
grep -q "usage: ketenhub status" "$WORK/help.out" || kh_fail "status --help: $(show help)"
kh_assert_eq 0 "$(cli help dlq replay --help)" "dlq replay --help"
kh_assert_eq 0 "$(cli help quarantine --help)" "quarantine --help"
kh_assert_eq 2 "$(cli usage dlq bogus)" "unknown dlq command"
kh_assert_eq 2 "$(cli usage dlq show)" "dlq show without an id"
kh_assert_eq 2 "$(cli usage status --token "$VIEWER_TOKEN")" "a token as an argument"
grep -q -- "--token is not accepted" "$WORK/usage.err" || kh_fail "--token: $(show usage)"
grep -qF "$VIEWER_TOKEN" "$WORK/usage.err" && kh_fail "the refused token was echoed"
kh_assert_eq 1 "$(cli remote status --admin http://192.0.2.1:8081 --token-file "$WORK/viewer.token")" \
  "plain http to a non-loopback address"

# ---- a dead delivery
kh_send 1 >"$WORK/send.log" 2>&1 || kh_fail "send"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 1 ]; }
kh_wait_until 30 dead || kh_fail "not dead: $(kh_sql "SELECT state, reason FROM deliveries")"
ID=$(kh_sql "SELECT delivery_id FROM deliveries")

# ---- without a token: exit 1 with the hub's reason
kh_assert_eq 1 "$(cli notoken status)" "status without a token"
grep -q "admin API: 401 a valid bearer token is required" "$WORK/notoken.err" ||
  kh_fail "no 401 reason: $(show notoken)"
kh_assert_eq 1 "$(KETENHUB_TOKEN=wrong cli wrong dlq list)" "dlq list with a wrong token"
grep -q "admin API: 401" "$WORK/wrong.err" || kh_fail "wrong token: $(show wrong)"

# ---- status: the partner (dead, circuit closed) and the intake source; no colour into a file
kh_assert_eq 0 "$(cli status status --token-file "$WORK/viewer.token")" "status"
grep -q "^PARTNER  *STATE  *PENDING  *IN FLIGHT  *RETRY WAIT  *FALLBACK  *DEAD  *DEAD IN TIME  *CIRCUIT$" \
  "$WORK/status.out" || kh_fail "status header: $(show status)"
grep -Eq "^om  +dead  +0  +0  +0  +0  +1  +0  +closed$" "$WORK/status.out" || kh_fail "status row: $(show status)"
grep -Eq "^local  +yes$" "$WORK/status.out" || kh_fail "status intake: $(show status)"
grep -q $'\x1b' "$WORK/status.out" && kh_fail "colour when stdout is not a terminal"
if command -v script >/dev/null; then  # a pseudo-terminal: colour, unless NO_COLOR
  KETENHUB_TOKEN=$VIEWER_TOKEN script -qec "$BIN status" /dev/null >"$WORK/tty.out" 2>&1 || true
  grep -q $'\x1b\[' "$WORK/tty.out" || kh_fail "no colour on a terminal: $(cat -v "$WORK/tty.out")"
  NO_COLOR=1 KETENHUB_TOKEN=$VIEWER_TOKEN script -qec "$BIN status" /dev/null >"$WORK/tty.out" 2>&1 || true
  grep -q $'\x1b\[' "$WORK/tty.out" && kh_fail "colour despite NO_COLOR: $(cat -v "$WORK/tty.out")"
  grep -q "^om " "$WORK/tty.out" || kh_fail "status on a terminal: $(cat -v "$WORK/tty.out")"
fi

# ---- dlq list / show (the token from the environment this time)
export KETENHUB_TOKEN=$VIEWER_TOKEN
kh_assert_eq 0 "$(cli list dlq list)" "dlq list"
grep -q "^DELIVERY ID" "$WORK/list.out" || kh_fail "dlq list header: $(show list)"
grep -q "^$ID .* om .*HTTP 400" "$WORK/list.out" || kh_fail "dlq list row: $(show list)"
kh_assert_eq 0 "$(cli list dlq list --partner om --event-type wvggz.crisismaatregel.genomen --limit 10)" "dlq list filtered"
grep -q "^$ID " "$WORK/list.out" || kh_fail "dlq list --partner om: $(show list)"
kh_assert_eq 0 "$(cli list dlq list --partner nobody)" "dlq list, another partner"
kh_assert_eq "no dead deliveries" "$(cat "$WORK/list.out")" "dlq list --partner nobody"
kh_assert_eq 0 "$(cli show dlq show "$ID")" "dlq show"
$PY - "$WORK/show.out" "$ID" <<'PY' || kh_fail "dlq show: $(show show)"
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text)
assert d["delivery_id"] == sys.argv[2] and d["state"] == "dead", d
assert d["attempts"][0]["http_status"] == 400, d
assert "\n  \"delivery_id\"" in text, "not pretty-printed"
PY
kh_assert_eq 1 "$(cli show dlq show nope)" "dlq show of an unknown id"
grep -q "admin API: 404" "$WORK/show.err" || kh_fail "dlq show nope: $(show show)"

# ---- dlq replay: refused for a viewer; as operator once the partner is back
kh_assert_eq 1 "$(cli replay dlq replay "$ID")" "dlq replay as viewer"
grep -q "admin API: 403 this needs the operator role" "$WORK/replay.err" || kh_fail "viewer replay: $(show replay)"
unset KETENHUB_TOKEN
kh_stop_pid "$SIM_PID_om400"
SIM_LISTEN_PORT=$SIM_PORT_om400 kh_start_sim om200 om
kh_assert_eq 0 "$(cli replay dlq replay "$ID" --token-file "$WORK/operator.token")" "dlq replay as operator"
grep -q "$ID" "$WORK/replay.out" || kh_fail "dlq replay output: $(show replay)"
delivered() { [ "$(kh_sql "SELECT state FROM deliveries WHERE delivery_id='$ID'")" = delivered ]; }
kh_wait_until 30 delivered || kh_fail "replayed delivery not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
kh_assert_eq 1 "$(kh_sim_unique om200)" "the partner got the replayed delivery once"
grep -q "\"delivery_id\":\"$ID\"" "$WORK/sim-om200/received.jsonl" || kh_fail "not the same delivery id"
kh_assert_eq 1 "$(cli replay dlq replay "$ID" --token-file "$WORK/operator.token")" "replay of a delivered one"
grep -q "admin API: 409" "$WORK/replay.err" || kh_fail "second replay: $(show replay)"
kh_assert_eq 0 "$(cli bulk dlq replay --all --partner om --rate 10 --token-file "$WORK/operator.token")" "replay --all"
grep -q "replayed 0 dead deliveries" "$WORK/bulk.out" || kh_fail "replay --all: $(show bulk)"
kh_assert_eq 0 "$(cli list dlq list --token-file "$WORK/viewer.token")" "dlq list after the replay"
kh_assert_eq "no dead deliveries" "$(cat "$WORK/list.out")" "dlq list after the replay"

# ---- quarantine: an event without a route
"$BIN" send "$SRC/examples/events/wzd.inbewaringstelling.genomen.json" \
  --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events --event-type wzd.inbewaringstelling.genomen \
  --case-id IBS-0344-2026-000077 --actor burgemeester:0344:test --message-id q-1 >"$WORK/send.log" 2>&1 || kh_fail "send wzd"
quarantined() { [ "$(kh_sql "SELECT state FROM events WHERE message_id='q-1'")" = quarantined ]; }
kh_wait_until 20 quarantined || kh_fail "not quarantined"
kh_assert_eq 0 "$(cli q quarantine list --token-file "$WORK/viewer.token")" "quarantine list"
grep -q "^MESSAGE ID" "$WORK/q.out" || kh_fail "quarantine list header: $(show q)"
grep -q "^q-1  *wzd.inbewaringstelling.genomen  *IBS-0344-2026-000077 " "$WORK/q.out" || kh_fail "quarantine list row: $(show q)"
kh_assert_eq 0 "$(cli q quarantine show q-1 --token-file "$WORK/viewer.token")" "quarantine show"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["message_id"]=="q-1" and d["state"]=="quarantined", d' \
  "$WORK/q.out" || kh_fail "quarantine show: $(show q)"
kh_assert_eq 1 "$(cli q quarantine replay q-1 --token-file "$WORK/operator.token")" "quarantine replay, no route yet"
grep -q "event q-1 is still quarantined" "$WORK/q.err" || kh_fail "quarantine replay: $(show q)"

# ---- the tokens never appear in any output
for f in "$WORK"/*.out "$WORK"/*.err; do
  grep -qF -e "$VIEWER_TOKEN" -e "$OPERATOR_TOKEN" "$f" && kh_fail "a token in $f"
done
kh_pass
