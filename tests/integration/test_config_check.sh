#!/usr/bin/env bash
# config check on the repository's routes: accepted as shipped; refused, with a message naming what
# is wrong, when a required recipient is removed, when a fallback chain cannot fit inside the legal
# deadline, when the hub certificate carries another OIN than hub.yaml, when a listener's port is
# not a number, when an AMQP URL carries credentials or a virtual host, and when the print
# channel's letter renderer module is missing next to the binary or writable by others. On a fresh clone the
# example deploy/local/hub.yaml stops at the missing test PKI, and its first error names the
# command that makes it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# A fresh clone: nothing generated next to deploy/local/hub.yaml.
CLONE="$WORK/clone"
mkdir -p "$CLONE"
cp -r "$SRC/deploy" "$SRC/routes" "$SRC/mappings" "$SRC/schemas" "$CLONE/"
rm -rf "$CLONE/deploy/local/pki" "$CLONE/deploy/local/secrets" "$CLONE/deploy/local/print-spool" \
  "$CLONE"/deploy/local/*.db "$CLONE"/deploy/local/audit*
fresh_check() { (cd "$CLONE" && "$BIN" config check --config deploy/local/hub.yaml) >"$WORK/fresh.log" 2>&1; }
if fresh_check; then kh_fail "config check passed without the test PKI"; fi
first=$(grep -m1 '^error: ' "$WORK/fresh.log")
pki_command="bash deploy/pki/make-test-pki.sh deploy/local/pki"
[[ "$first" =~ ^error:\ hub\.yaml:[0-9]+:[0-9]+\ \(signing\.key\):\ pki/hub-sign\.key\ does\ not\ exist\;\ make\ a\ test\ PKI\ \(never\ for\ production\)\ with:\ (.*)$ ]] ||
  kh_fail "first error on a fresh clone: $first"
kh_assert_eq "$pki_command" "${BASH_REMATCH[1]}" "the command in the first error"
kh_log "fresh clone: $first"
# That command is all the PKI needs; what is left is named at its key, one at a time.
(cd "$CLONE" && $pki_command >/dev/null)
if fresh_check; then kh_fail "config check passed without the secure-mail password file"; fi
if grep -q 'pki/' "$WORK/fresh.log"; then kh_fail "test PKI still missing: $(cat "$WORK/fresh.log")"; fi
grep -Eq '^error: hub\.yaml:[0-9]+:[0-9]+ \(channels\.securemail\.password_file\): secrets/smtp\.pass does not exist$' \
  "$WORK/fresh.log" || kh_fail "password file: $(cat "$WORK/fresh.log")"
mkdir -p "$CLONE/deploy/local/secrets" "$CLONE/deploy/local/print-spool"
(umask 077 && echo "demo-smtp-password" >"$CLONE/deploy/local/secrets/smtp.pass")
fresh_check || kh_fail "example refused with its test PKI: $(cat "$WORK/fresh.log")"
grep -q "config ok: 5 partners" "$WORK/fresh.log" || kh_fail "$(cat "$WORK/fresh.log")"

kh_pki
for p in om igj pvp rvr ciz; do eval "SIM_PORT_$p=1"; done
kh_config_full
check() { "$BIN" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1; }
check || kh_fail "shipped routes refused: $(cat "$WORK/check.log")"
grep -q "config ok: 5 partners, 5 event types, 13 deliveries" "$WORK/check.log" || kh_fail "$(cat "$WORK/check.log")"

# Required recipients: drop the rvr delivery of wvggz.crisismaatregel.genomen.
cp "$WORK/routes/wvggz.yaml" "$WORK/wvggz.yaml.orig"
$PY - "$WORK/routes/wvggz.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
# remove the first rvr delivery block (the crisis measure's lawyer request)
s = re.sub(r"      # A lawyer must be arranged.*?legal_deadline: \{from: /besluit/datumTijd, after: 24h\}\n", "", s, count=1, flags=re.S)
open(sys.argv[1], "w").write(s)
PY
if check; then kh_fail "config check accepted a route set without the required rvr delivery"; fi
grep -q "requires a delivery to 'rvr' for event type 'wvggz.crisismaatregel.genomen'" "$WORK/check.log" ||
  kh_fail "required-recipient message: $(cat "$WORK/check.log")"
kh_log "$(grep rvr "$WORK/check.log")"
cp "$WORK/wvggz.yaml.orig" "$WORK/routes/wvggz.yaml"

# Legal deadline: a print channel of 23 h cannot follow 30 min + 2 h of secure mail inside 24 h.
sed -i "s|^engine:|engine:\n  channels: {print: {deadline: 23h}}|" "$WORK/hub.yaml"
if check; then kh_fail "config check accepted a fallback chain beyond the legal deadline"; fi
grep -q "rvr/verzoek-aanwijzing-advocaat): deadline 30m + securemail 2h + print 23h = 1d1h30m does not fit inside the legal deadline of 1d" "$WORK/check.log" ||
  kh_fail "legal deadline message: $(cat "$WORK/check.log")"
kh_log "$(grep -m1 "legal deadline" "$WORK/check.log")"
sed -i '/channels: {print: {deadline: 23h}}/d' "$WORK/hub.yaml"
check || kh_fail "restored config refused"

# Key strength: an RSA-2048 signing key is accepted with a warning (NCSC rates 3072+ as good).
cp -r "$WORK/pki" "$WORK/pki-3072"
kh_pki rsa2048
check || kh_fail "RSA-2048 refused: $(cat "$WORK/check.log")"
grep -Eq "^warning: hub\.yaml:[0-9]+:[0-9]+ \(signing\.certificate\): pki/hub-sign\.crt: RSA key of 2048 bits; NCSC rates 3072 bits or more as good$" "$WORK/check.log" ||
  kh_fail "no key-strength warning: $(cat "$WORK/check.log")"
rm -rf "$WORK/pki" && mv "$WORK/pki-3072" "$WORK/pki"

# Listener addresses have one strict parser: a port that is not a number is refused, at its key.
cp "$WORK/hub.yaml" "$WORK/hub.yaml.orig"
sed -i 's|^  listen: 127\.0\.0\.1:.*|  listen: 127.0.0.1:abc|' "$WORK/hub.yaml"
if check; then kh_fail "config check accepted admin.listen 127.0.0.1:abc"; fi
grep -Eq '^error: hub\.yaml:[0-9]+:[0-9]+ \(admin\.listen\): the port must be a number 0\.\.65535$' "$WORK/check.log" ||
  kh_fail "admin.listen message: $(cat "$WORK/check.log")"
cp "$WORK/hub.yaml.orig" "$WORK/hub.yaml"

# A user, password or virtual host in an AMQP URL is refused, never dropped; the password is not
# repeated.
sed -i 's|^intake:|intake:\n  connect:\n    - name: broker\n      urls: [amqp://user:s3cret@broker.example.nl/vhost]\n      address: /amq/queue/ketenhub.events|' \
  "$WORK/hub.yaml"
if check; then kh_fail "config check accepted amqp://user:pw@host/vhost"; fi
grep -Eq "^error: hub\.yaml:[0-9]+:[0-9]+ \(intake\.connect\[0\]\.urls\[0\]\): must not carry a user name or password: set user and password_file \(a file holding the password\) instead; must not have a path: virtual host 'vhost' cannot be selected \(the hub uses the broker's default virtual host\)$" \
  "$WORK/check.log" || kh_fail "AMQP URL message: $(cat "$WORK/check.log")"
if grep -q s3cret "$WORK/check.log"; then kh_fail "the URL's password was repeated"; fi
cp "$WORK/hub.yaml.orig" "$WORK/hub.yaml"
check || kh_fail "restored config refused: $(cat "$WORK/check.log")"

# The routes fall back to print: its letter renderer (libketenhub-pdf.so, loaded by the first
# letter) must be installed with the binary, and not be writable by others.
ALONE="$WORK/alone"
mkdir -p "$ALONE"
cp "$BIN" "$ALONE/ketenhub"
check_alone() { "$ALONE/ketenhub" config check --config "$WORK/hub.yaml" >"$WORK/check.log" 2>&1; }
if check_alone; then kh_fail "config check passed without the letter renderer module"; fi
grep -q "print: the letter renderer libketenhub-pdf.so is not installed with the binary ($ALONE/libketenhub-pdf.so: not found; " \
  "$WORK/check.log" || kh_fail "missing module message: $(cat "$WORK/check.log")"
cp "$(dirname "$BIN")/libketenhub-pdf.so" "$ALONE/"
chmod o+w "$ALONE/libketenhub-pdf.so"
if check_alone; then kh_fail "config check accepted a letter renderer module writable by others"; fi
grep -q "$ALONE/libketenhub-pdf.so: writable by others" "$WORK/check.log" ||
  kh_fail "writable module message: $(cat "$WORK/check.log")"
chmod o-w "$ALONE/libketenhub-pdf.so"
check_alone || kh_fail "the binary with its module next to it refused: $(cat "$WORK/check.log")"

# The hub's certificate must carry hub.oin.
sed -i 's|oin: "00000099000000000001"|oin: "00000099000000000002"|' "$WORK/hub.yaml"
if check; then kh_fail "config check accepted a hub certificate with another OIN"; fi
grep -q "differs from hub.oin '00000099000000000002'" "$WORK/check.log" || kh_fail "OIN message: $(cat "$WORK/check.log")"
kh_pass
