#!/usr/bin/env bash
# The operator dashboard (GET /, hub/admin/dashboard/index.html) in Debian's headless Chromium,
# driven by playwright-core (tests/integration/dashboard/): the hub serves the page with its strict
# CSP; with a tokens file the page asks for the token and keeps it in sessionStorage only; five
# partner cards; a partner whose simulator is stopped turns degraded (or circuit-open, if its
# breaker trips first); a dead delivery (the legal aid board answers 400) is listed with its
# zaaknummer, makes its card the loudest (dead within the legal deadline) and first, and is
# replayed from the page once the partner is back: the list empties and the store says delivered
# with the same delivery id at the partner; the cards show the last 5 min / last hour figures (a
# delivering partner's deliveries, the dead partner's failures and its last error as text, as the
# store has it) and the client certificate's expiry (days and warn/alarm level as the certificate
# says), the header the signing certificate's; a quarantined event is listed and its Replay answers;
# pause and resume from a card; the Cluster section lists this hub, alive; a full-page screenshot
# is kept as an artifact.
# Installs what it needs: Debian's chromium (skipped, exit 0, only if that cannot be installed) and
# the pinned playwright-core from package-lock.json (never a downloaded browser).
# DASHBOARD_VIA=proxy serves the page from the source tree through dashboard/serve_dev.py instead
# of the hub (for working on the page without rebuilding the hub).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DASH="$HERE/dashboard"
CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "test_dashboard: installing Debian's chromium" >&2
  if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }; } ||
    [ ! -x "$CHROMIUM" ]; then
    echo "SKIP: test_dashboard.sh: Debian's chromium cannot be installed (apt-get install chromium failed)"
    exit 0
  fi
fi
want=$(sed -n 's/.*"playwright-core": "\([0-9.]*\)".*/\1/p' "$DASH/package.json")
have=$(node -p 'require(process.argv[1]).version' "$DASH/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "test_dashboard: npm ci (playwright-core $want)" >&2
  (cd "$DASH" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "FAIL: npm ci in $DASH" >&2; exit 1; }
fi

source "$HERE/lib.sh"
T0=$SECONDS
SHOT="${DASHBOARD_SCREENSHOT:-$(dirname "$WORK")/ketenhub-dashboard.png}"
kh_pki
OPERATOR_TOKEN="operator-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# The legal aid board refuses everything at first (a permanent failure: dead, no fallback channel
# is configured); slow retries keep a stopped partner in retry_wait long enough to be seen.
SIM_ARGS_rvr="--status 400" kh_start_all_sims
RETRY_INITIAL=3s RETRY_MAX=10s kh_config_full
printf 'night.operator operator sha256:%s\n' "$(printf %s "$OPERATOR_TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/tokens"
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"
kh_start_hub
A="http://127.0.0.1:$ADMIN_PORT"

URL="$A/"
if [ "${DASHBOARD_VIA:-hub}" = proxy ]; then
  $PY "$DASH/serve_dev.py" --hub "$A" --port-file "$WORK/proxy.port" >>"$WORK/proxy.log" 2>&1 &
  PIDS+=($!)
  kh_wait_until 10 test -s "$WORK/proxy.port" || kh_fail "serve_dev.py did not start"
  URL="http://127.0.0.1:$(cat "$WORK/proxy.port")/"
  kh_log "page from the source tree through serve_dev.py: $URL"
else
  # The hub serves exactly the page in the source tree (a stale binary is a failure, not a skip).
  curl -s -D "$WORK/page.headers" -o "$WORK/page.html" "$URL" || kh_fail "GET / failed"
  grep -qi '^content-type: text/html; charset=utf-8' "$WORK/page.headers" || kh_fail "GET / content type: $(cat "$WORK/page.headers")"
  grep -qi "^content-security-policy: default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'" "$WORK/page.headers" ||
    kh_fail "GET / without the strict CSP: $(cat "$WORK/page.headers")"
  cmp -s "$WORK/page.html" "$SRC/hub/admin/dashboard/index.html" ||
    kh_fail "GET / is not hub/admin/dashboard/index.html (rebuild the hub: the page is embedded at build time)"
fi

# The browser, as a coprocess answering one line per command (see dashboard/dashboard_test.mjs).
coproc UI { cd "$DASH" && WORK="$WORK" CHROMIUM="$CHROMIUM" exec node dashboard_test.mjs 2>>"$WORK/browser.log"; }
PIDS+=($UI_PID)
UI_IN=${UI[1]}
UI_OUT=${UI[0]}
ui() {
  local reply="" what="$*"
  [ "$1" != login ] || what=login  # never a token in the log
  echo "$*" >&"$UI_IN"
  IFS= read -r -t 60 reply <&"$UI_OUT" || kh_fail "browser: no answer to '$what' (see browser.log)"
  [[ $reply == ok* ]] || kh_fail "browser: $what: ${reply#err }"
  UI_REPLY=${reply#ok }
  UI_REPLY=${UI_REPLY#ok}
}

ui open "$URL"
kh_log "page loaded ($UI_REPLY)"
ui login "$OPERATOR_TOKEN"
ui cards 5
kh_log "cards: $UI_REPLY"
for p in om igj pvp rvr ciz; do
  ui state "$p" ok
done
ui intake local
kh_assert_eq true "$UI_REPLY" "intake source local on the page"
# The Cluster section: this hub alone on its SQLite store, alive, its heartbeat just now.
ui cluster 1
kh_log "cluster: $UI_REPLY"
[[ $UI_REPLY =~ ^alive:[0-9]+_s_ago:[0-9]+:.*/${HUB_PID}_\(this_hub\)$ ]] || kh_fail "cluster section: $UI_REPLY"

# ---- a dead delivery: a lawyer request for a decision taken an hour ago, refused by the partner
$PY - "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" "$WORK/recent.json" <<'PY'
import datetime, json, sys
ev = json.load(open(sys.argv[1]))
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
ev["zaaknummer"] = "CM-0344-2026-000555"
ev["besluit"]["datumTijd"] = (now - datetime.timedelta(hours=1)).isoformat()
ev["besluit"]["geldigTot"] = (now + datetime.timedelta(days=2)).isoformat()
json.dump(ev, open(sys.argv[2], "w"))
PY
"$BIN" send "$WORK/recent.json" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
  --event-type wvggz.crisismaatregel.genomen --case-id CM-0344-2026-000555 \
  --actor burgemeester:0344:test --message-id dash-1 >>"$WORK/send.log" 2>&1 || kh_fail "send dash-1"
dead() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='dead'")" -eq 1 ]; }
kh_wait_until 30 dead || kh_fail "no dead delivery: $(kh_sql "SELECT partner, state, reason FROM deliveries")"
DEAD_ID=$(kh_sql "SELECT delivery_id FROM deliveries WHERE state='dead'")
kh_assert_eq rvr "$(kh_sql "SELECT partner FROM deliveries WHERE delivery_id='$DEAD_ID'")" "the dead delivery's partner"
ui row dead "$DEAD_ID"
kh_log "dead row: $UI_REPLY"
[[ $UI_REPLY == *CM-0344-2026-000555* && $UI_REPLY == *rvr* && $UI_REPLY == *verzoek-aanwijzing-advocaat* ]] ||
  kh_fail "dead row without partner, product or zaaknummer: $UI_REPLY"
ui state rvr degraded
ui metric rvr dead_within_legal_deadline
kh_assert_eq 1 "$UI_REPLY" "rvr card: dead within legal deadline"
ui metric rvr dead
kh_assert_eq 1 "$UI_REPLY" "rvr card: dead"
ui first rvr

# ---- the cards' recent figures, the dead partner's last error, certificate expiry
fig() { [[ " ${UI_REPLY%% | *} " =~ \ $1=([^ ]*)\  ]] && echo "${BASH_REMATCH[1]}"; }
ui field om recent 'delivered_5m>=1'
kh_log "om recent: $UI_REPLY"
[[ $UI_REPLY == *"delivered / failed — last 5 min "*" · last hour "* ]] || kh_fail "om recent line: $UI_REPLY"
[ "$(fig delivered_1h)" -ge "$(fig delivered_5m)" ] || kh_fail "om: delivered last hour below last 5 min: $UI_REPLY"
kh_assert_eq 0 "$(fig failed_5m)" "om card: failed last 5 min"
ui field rvr recent 'failed_5m>=1'
kh_log "rvr recent: $UI_REPLY"
kh_assert_eq 0 "$(fig delivered_5m)" "rvr card: delivered last 5 min"
[ "$(fig failed_1h)" -ge "$(fig failed_5m)" ] || kh_fail "rvr: failed last hour below last 5 min: $UI_REPLY"
ui field rvr last_error
kh_log "rvr last error: $UI_REPLY"
REASON=$(kh_sql "SELECT a.reason FROM attempts a JOIN deliveries d ON d.seq=a.delivery_seq
  WHERE d.partner='rvr' AND a.outcome<>'delivered' ORDER BY a.finished_at DESC LIMIT 1" | tr -s '[:space:]' ' ')
[ -n "$REASON" ] || kh_fail "no failed attempt for rvr in the store"
[[ $UI_REPLY =~ \|\ last\ error:\ .*\ \(([0-9]{1,2}\ [A-Za-z]{3}\ )?[0-9]{2}:[0-9]{2}\)$ && $UI_REPLY == *"${REASON:0:40}"* ]] ||
  kh_fail "rvr card's last error is not '${REASON:0:40}…' (HH:MM): $UI_REPLY"
ui field om certificates
kh_log "om certificates: $UI_REPLY"
read -r WANT_DAYS WANT_LEVEL <<<"$(openssl x509 -in "$WORK/pki/hub-client.crt" -noout -enddate | $PY -c '
import datetime, math, sys
na = datetime.datetime.strptime(sys.stdin.read().strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
left = (na.replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
print(math.floor(left / 86400), "alarm" if left < 7 * 86400 else "warn" if left < 30 * 86400 else "ok")')"
DAYS=$(fig client_certificate_expires.days)
[ -n "$DAYS" ] && [ $((DAYS - WANT_DAYS)) -ge -1 ] && [ $((DAYS - WANT_DAYS)) -le 1 ] ||
  kh_fail "om card: client cert days '$DAYS', the certificate says $WANT_DAYS: $UI_REPLY"
kh_assert_eq "$WANT_LEVEL" "$(fig client_certificate_expires.level)" "om card: client cert expiry level"
[[ $UI_REPLY == *"client cert expires in "* || $UI_REPLY == *"client cert EXPIRED "* ]] ||
  kh_fail "om card: no client cert expiry text: $UI_REPLY"
ui signing
kh_log "header: $UI_REPLY"
[[ $UI_REPLY == *"| signing cert expires in "* ]] || kh_fail "header: no signing cert expiry: $UI_REPLY"

# ---- a partner down: the care assessment centre's simulator stops; its card turns degraded
kh_stop_pid "$SIM_PID_ciz"
kh_send_example wzd.inbewaringstelling.beeindigd dash-2
ui state ciz degraded,circuit-open 30
kh_log "ciz with its simulator stopped: $UI_REPLY"
CIZ_STATE=$UI_REPLY

# ---- a quarantined event (no route for its type): listed; Replay answers it stays quarantined
"$BIN" send "$SRC/examples/events/wzd.inbewaringstelling.beeindigd.json" --url "amqp://127.0.0.1:$AMQP_PORT" \
  --address wvggz.events --event-type wzd.onbekend.type --case-id IBS-0344-2026-000077 \
  --actor burgemeester:0344:test --message-id dash-q-1 >>"$WORK/send.log" 2>&1 || kh_fail "send dash-q-1"
ui row quarantine dash-q-1
kh_log "quarantine row: $UI_REPLY"
ui screenshot "$SHOT"
kh_log "screenshot: $SHOT"
ui replay quarantine dash-q-1
kh_log "quarantine replay: $UI_REPLY"
[[ $UI_REPLY == *"still quarantined"* ]] || kh_fail "quarantine replay notice: $UI_REPLY"

# ---- the partner back (same port, answering normally); replay from the page
kh_stop_pid "$SIM_PID_rvr"
SIM_LISTEN_PORT=$SIM_PORT_rvr kh_start_sim rvr2 rvr --adapter rest-xml
ui replay dead "$DEAD_ID"
kh_log "replay: $UI_REPLY"
ui empty dead
delivered() { [ "$(kh_sql "SELECT state FROM deliveries WHERE delivery_id='$DEAD_ID'")" = delivered ]; }
kh_wait_until 30 delivered || kh_fail "replayed delivery not delivered: $(kh_sql "SELECT state, reason FROM deliveries WHERE delivery_id='$DEAD_ID'")"
grep -q "\"delivery_id\":\"$DEAD_ID\"" "$WORK/sim-rvr2/received.jsonl" || kh_fail "the partner did not get the same delivery id"
ui metric rvr dead_within_legal_deadline
kh_assert_eq 0 "$UI_REPLY" "rvr card after the replay: dead within legal deadline"
ui state rvr ok
grep -q '"msg":"operator action".*"action":"replayed".*"operator":"night.operator"' "$WORK/hub.log" ||
  kh_fail "the replay is not logged with the operator's identity"

# ---- pause and resume from a card
ui click igj pause
ui state igj paused
kh_assert_eq 1 "$(kh_sql "SELECT COUNT(*) FROM partner_pauses WHERE partner='igj'")" "igj paused in the store"
ui click igj resume
ui state igj ok

# ---- the hub gone: the page says its figures are stale instead of showing them as current
ui problems
kh_stop_pid "$HUB_PID"
ui stale
kh_log "hub stopped: $UI_REPLY"
echo quit >&"$UI_IN"
kh_wait_until 10 bash -c "! kill -0 $UI_PID" || true
! grep -E '999990019|999991772|999992314|Oudegracht' "$WORK/hub.log" || kh_fail "personal data in hub.log"
kh_log "dashboard: ciz went $CIZ_STATE; screenshot $SHOT; $((SECONDS - T0)) s"
kh_pass
