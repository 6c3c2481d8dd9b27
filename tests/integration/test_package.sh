#!/usr/bin/env bash
# The Debian package and the systemd unit, on this machine (root: it installs, then purges):
#  - `cpack -G DEB` from the build directory; its dependencies come from the linked libraries;
#  - `dpkg -i` installs binary, catalogue, configuration (conffiles), unit, docs and creates the
#    system user; `systemd-analyze verify` accepts the installed unit;
#  - with a test PKI in /etc/ketenhub/pki the installed configuration passes `config check`, and
#    the hub runs as the `ketenhub` user exactly as the unit starts it (working directory, user),
#    speaking the notify protocol on a NOTIFY_SOCKET like systemd's: READY=1, then on SIGHUP
#    RELOADING=1 and READY=1 again, on SIGTERM STOPPING=1; /readyz answers in between;
#  - `dpkg --purge` removes every file it installed and the configuration.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || kh_fail "test_package.sh installs a package: run it as root"
BUILD_DIR=$(dirname "$BIN")
[ -f "$BUILD_DIR/CPackConfig.cmake" ] || kh_fail "no CPackConfig.cmake next to $BIN"

purge() { dpkg --purge ketenhub >/dev/null 2>&1 || true; }
if dpkg-query -W ketenhub >/dev/null 2>&1; then
  kh_fail "a ketenhub package is installed on this machine already; remove it first"
fi
# First the processes this test started (the hub runs from the package), then the package.
stop_all() { for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; sleep 1; }
trap 'rc=$?; stop_all; purge; rm -rf /var/lib/ketenhub; (exit $rc); kh_cleanup' EXIT

kh_log "building the package"
cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; kh_fail "cpack failed"; }
DEB=$(ls "$WORK"/pkg/ketenhub_*.deb)
dpkg-deb -I "$DEB" >"$WORK/control.txt"
grep -q "^ Depends:.*libqpid-proton-cpp12" "$WORK/control.txt" || kh_fail "Depends lacks Proton"
grep -q "^ Depends:.*libxmlsec1-openssl" "$WORK/control.txt" || kh_fail "Depends lacks xmlsec"
# The letter renderer is a module the binary loads (not links): its libraries come from it.
grep -q "^ Depends:.*libpoppler-glib8" "$WORK/control.txt" || kh_fail "Depends lacks poppler-glib (the letter renderer module)"

kh_log "installing $(basename "$DEB")"
dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; kh_fail "dpkg -i failed"; }
for f in /usr/bin/ketenhub /usr/lib/ketenhub/libketenhub-pdf.so /lib/systemd/system/ketenhub.service /etc/ketenhub/hub.yaml \
  /etc/ketenhub/routes/partners.yaml /usr/share/ketenhub/schemas /usr/share/ketenhub/mappings \
  /usr/share/doc/ketenhub/README.md; do
  [ -e "$f" ] || kh_fail "$f not installed"
done
dpkg-query -W -f='${Conffiles}\n' ketenhub | grep -q /etc/ketenhub/hub.yaml ||
  kh_fail "hub.yaml is not a conffile"
getent passwd ketenhub >/dev/null || kh_fail "user ketenhub not created"
[ "$(stat -c %U:%a /var/lib/ketenhub)" = ketenhub:750 ] || kh_fail "state directory owner/mode"
systemd-analyze verify --man=no /lib/systemd/system/ketenhub.service >"$WORK/verify.log" 2>&1 ||
  { cat "$WORK/verify.log" >&2; kh_fail "systemd-analyze verify refused the unit"; }
! grep -q . "$WORK/verify.log" || { cat "$WORK/verify.log" >&2; kh_fail "systemd-analyze warnings"; }

kh_log "configuring: test PKI, free ports"
bash "$SRC/deploy/pki/make-test-pki.sh" /etc/ketenhub/pki >/dev/null 2>&1
mkdir -p /etc/ketenhub/secrets
echo "test-smtp-password" >/etc/ketenhub/secrets/smtp.pass
chown -R ketenhub:ketenhub /etc/ketenhub/pki /etc/ketenhub/secrets
chmod 0600 /etc/ketenhub/pki/*.key /etc/ketenhub/secrets/smtp.pass
sed -i -e 's|url: amqp://127.0.0.1:5672|url: amqp://127.0.0.1:0|' \
  -e 's|listen: 127.0.0.1:8081|listen: 127.0.0.1:0|' /etc/ketenhub/hub.yaml
as_hub() { (cd /var/lib/ketenhub && runuser -u ketenhub -- "$@"); }
as_hub /usr/bin/ketenhub config check --config /etc/ketenhub/hub.yaml >"$WORK/check.log" 2>&1 ||
  { cat "$WORK/check.log" >&2; kh_fail "the installed configuration fails config check"; }

# A notify socket like systemd's, readable by the hub's user; every message it gets, one per line.
NOTIFY="$WORK/notify.sock"
$PY - "$NOTIFY" "$WORK/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
PIDS+=($!)
kh_wait_until 5 test -S "$NOTIFY" || kh_fail "notify socket not created"
chmod 755 "$WORK"

touch "$WORK/hub.log"
chmod 666 "$WORK/hub.log"
# WatchdogSec=2 as systemd passes it: the hub pings every second.
(cd /var/lib/ketenhub && exec runuser -u ketenhub -- env NOTIFY_SOCKET="$NOTIFY" WATCHDOG_USEC=2000000 \
  /usr/bin/ketenhub run --config /etc/ketenhub/hub.yaml >>"$WORK/hub.log" 2>&1) &
HUB_PID=$!
PIDS+=($HUB_PID)
notified() { grep -q "$1" "$WORK/notify.log" 2>/dev/null; }
kh_wait_until 30 notified "READY=1" || kh_fail "no READY=1 from the installed hub (see hub.log)"
ADMIN_PORT=$($PY -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if r.get("msg") == "ketenhub running":
        print(r["admin_port"])' "$WORK/hub.log")
curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null || kh_fail "installed hub not ready"
[ -f /var/lib/ketenhub/ketenhub.db ] || kh_fail "store not in the state directory"
[ "$(stat -c %U /var/lib/ketenhub/ketenhub.db)" = ketenhub ] || kh_fail "store not owned by ketenhub"

kh_wait_until 5 bash -c "[ \$(grep -c WATCHDOG=1 '$WORK/notify.log') -ge 3 ]" ||
  kh_fail "the hub does not ping the watchdog"
hub_pid=$(pgrep -u ketenhub -f "ketenhub run --config /etc/ketenhub/hub.yaml" | head -1)
[ -n "$hub_pid" ] || kh_fail "the hub does not run as user ketenhub"
kill -HUP "$hub_pid"
kh_wait_until 10 notified "RELOADING=1" || kh_fail "no RELOADING=1 after SIGHUP"
kh_wait_until 10 bash -c "[ \$(grep -c READY=1 '$WORK/notify.log') -ge 2 ]" ||
  kh_fail "no READY=1 after the reload"
kill -TERM "$hub_pid"
kh_wait_until 10 notified "STOPPING=1" || kh_fail "no STOPPING=1 on SIGTERM"
wait "$HUB_PID" || kh_fail "the hub did not stop cleanly"
kh_log "notify protocol: $(tr '\n' '|' <"$WORK/notify.log")"

kh_log "purging"
dpkg --purge ketenhub >>"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; kh_fail "purge failed"; }
for f in /usr/bin/ketenhub /usr/lib/ketenhub /lib/systemd/system/ketenhub.service /etc/ketenhub /usr/share/ketenhub; do
  [ ! -e "$f" ] || kh_fail "$f left after purge"
done
[ -d /var/lib/ketenhub ] || kh_fail "purge removed the state directory (the audit trail must stay)"
kh_pass
