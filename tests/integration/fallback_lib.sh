# Helpers for the fallback-channel tests (test_fallback_mail.sh, test_fallback_print.sh,
# test_notify.sh): the aiosmtpd relay of the securemail unit tests, a Proton notify receiver,
# a hub config with channels securemail and print, and a fresh-store restart between phases.
# Source after lib.sh.

SMTP_SERVER="$SRC/tests/unit/securemail/smtp_test_server.py"
SMTP_PASSWORD="test-password-1"
EVENT_JSON="$SRC/examples/events/wvggz.crisismaatregel.genomen.json"
ENDASH=$'\xe2\x80\x93'
# Recipient address with diacritics (they must survive into the PDF).
PRINT_ADDR_1="Openbaar Ministerie"
PRINT_ADDR_2="t.a.v. mr. Zoë Çelik-Müller"
PRINT_ADDR_3="Postbus 20305"
PRINT_ADDR_4="2500 EH Den Haag"

# fb_start_smtp NAME MODE: the relay (cert partner-om: SAN localhost and 127.0.0.1) on a free port;
# sets SMTP_PORT_<NAME>, SMTP_PID_<NAME>; stores mails in $WORK/smtp-NAME/.
fb_start_smtp() {
  local name=$1 mode=$2
  mkdir -p "$WORK/smtp-$name"
  rm -f "$WORK/smtp-$name.out"
  $PY "$SMTP_SERVER" --cert "$WORK/pki/partner-om.crt" --key "$WORK/pki/partner-om.key" \
    --store "$WORK/smtp-$name" --log "$WORK/smtp-$name.jsonl" --mode "$mode" \
    --user ketenhub --password "$SMTP_PASSWORD" >"$WORK/smtp-$name.out" 2>>"$WORK/smtp-$name.log" &
  PIDS+=($!)
  eval "SMTP_PID_$name=$!"
  kh_wait_until 20 grep -q '^PORT ' "$WORK/smtp-$name.out" || kh_fail "smtp relay $name did not start"
  eval "SMTP_PORT_$name=$(awk '/^PORT /{print $2}' "$WORK/smtp-$name.out")"
}
fb_smtp_count() { find "$WORK/smtp-$1" -name '*.eml' 2>/dev/null | wc -l; }

# fb_start_notify_receiver PORT: a Proton listener on 127.0.0.1:PORT that accepts every message
# and appends its JSON body (one line) to $WORK/notify.jsonl; sets NOTIFY_PID.
fb_start_notify_receiver() {
  local port=$1
  rm -f "$WORK/notify.ready"
  $PY - "$port" "$WORK/notify.jsonl" "$WORK/notify.ready" >>"$WORK/notify.log" 2>&1 <<'PYEOF' &
import json, os, sys, threading, time
from proton.handlers import MessagingHandler
from proton.reactor import Container
port, out_path, ready = sys.argv[1], sys.argv[2], sys.argv[3]
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
class Recv(MessagingHandler):
    def on_start(self, event):
        self.acceptor = event.container.listen("127.0.0.1:%s" % port)
        open(ready, "w").close()
    def on_message(self, event):
        m = event.message
        body = m.body
        if isinstance(body, (bytes, memoryview)):
            body = bytes(body).decode("utf-8")
        rec = {"address": event.link.remote_target.address or m.address, "to": m.address, "content_type": m.content_type,
               "body": json.loads(body) if isinstance(body, str) else body}
        with open(out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
Container(Recv()).run()
PYEOF
  NOTIFY_PID=$!
  PIDS+=($NOTIFY_PID)
  kh_wait_until 20 test -e "$WORK/notify.ready" || kh_fail "notify receiver did not start"
}

# fb_config OM_PORT: kh_config plus the channels. Variables:
#   SMTP_URL (empty: no securemail channel), SPOOL (empty: no print channel; default print-spool),
#   SM_DEADLINE, PR_DEADLINE, FB_DEADLINE (coupling, default 2s), FB_FALLBACK (default
#   "[securemail, print]"), FB_ROUTE_EXTRA (more route lines, 8 spaces indented), NOTIFY_PORT
#   (empty: no notify).
fb_config() {
  local om_port=$1
  kh_config "$om_port" "    securemail:
      address: om@veilig.om.test
    print:
      address: [\"$PRINT_ADDR_1\", \"$PRINT_ADDR_2\", \"$PRINT_ADDR_3\", \"$PRINT_ADDR_4\"]"
  # securemail needs the hub's contact (name, email, phone) for the mail body.
  sed -i 's|^  oin: .*|&\n  contact: {email: ketenhub-beheer@gemeente.test, phone: "+31 30 000 0000"}|' "$WORK/hub.yaml"
  printf '%s\n' "$SMTP_PASSWORD" >"$WORK/smtp.pass"
  chmod 600 "$WORK/smtp.pass"
  {
    echo "channels:"
    if [ -n "${SMTP_URL:-}" ]; then
      cat <<YAML
  securemail:
    deadline: ${SM_DEADLINE:-2h}
    retry: {initial: 200ms, factor: 2, max: 1s}
    url: $SMTP_URL
    from: ketenhub@gemeente.test
    user: ketenhub
    password_file: smtp.pass
    tls: {profile: ncsc-sufficient, ca: [pki/ca.crt]}
    timeouts: {connect: 2s, request: 10s}
YAML
    fi
    if [ -n "${SPOOL-print-spool}" ]; then
      cat <<YAML
  print:
    deadline: ${PR_DEADLINE:-12h}
    retry: {initial: 200ms, factor: 2, max: 1s}
    spool_dir: ${SPOOL-print-spool}
    return_address: "Antwoordnummer 1234, 1000 AA Voorbeeldstad"
    sender: ["Gemeente Voorbeeldstad", "Team Wvggz"]
YAML
    fi
    if [ -n "${NOTIFY_PORT:-}" ]; then
      cat <<YAML
notify:
  urls: [amqp://127.0.0.1:$NOTIFY_PORT]
  address: ketenhub.status
dead_letter:
  address: ketenhub.dead
YAML
    fi
  } >>"$WORK/hub.yaml"
  cat >"$WORK/routes/wvggz.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - partner: om
        product: kennisgeving-crisismaatregel
        deadline: ${FB_DEADLINE:-2s}
        fallback: ${FB_FALLBACK:-[securemail, print]}
${FB_ROUTE_EXTRA:-}
YAML
}

# Stops the hub (TERM, then KILL) and removes its store: the next phase starts afresh.
fb_fresh() {
  [ -z "${HUB_PID:-}" ] || kh_stop_pid "$HUB_PID"
  HUB_PID=
  rm -f "$WORK"/ketenhub.db*
  : >"$WORK/hub.log"
}

fb_state() { kh_sql "SELECT state FROM deliveries LIMIT 1"; }
fb_state_is() { [ "$(kh_sql "SELECT COUNT(*) FROM deliveries WHERE state='$1'")" -ge "${2:-1}" ]; }
fb_metric() {  # NAME (with labels, as printed): its value, or empty
  curl -sf "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v n="$1" '$1==n {print $2}'
}

# fb_event_now FILE HOURS_AGO: the example event with besluit.datumTijd HOURS_AGO hours before now
# and geldigTot a day later (a legal period that is still running).
fb_event_now() {
  $PY - "$EVENT_JSON" "$1" "$2" <<'PYEOF'
import json, sys, datetime
e = json.load(open(sys.argv[1]))
t = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=float(sys.argv[3]))
e["besluit"]["datumTijd"] = t.isoformat()
e["besluit"]["geldigTot"] = (t + datetime.timedelta(days=1)).isoformat()
json.dump(e, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)
PYEOF
}

# fb_send FILE [send args]: one event from FILE (zaaknummer from the file).
fb_send() {
  local file=$1
  shift
  local case_id
  case_id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$file")
  "$BIN" send "$file" --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --case-id "$case_id" --actor "burgemeester:0344:test" \
    "$@" >>"$WORK/send.log" 2>&1 || kh_fail "send failed: $(tail -3 "$WORK/send.log")"
}
