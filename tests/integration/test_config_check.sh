#!/usr/bin/env bash
# config check on the repository's routes: accepted as shipped; refused, with a message naming what
# is wrong, when a required recipient is removed, when a fallback chain cannot fit inside the legal
# deadline, and when the hub certificate carries another OIN than hub.yaml.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
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
grep -q "warning: signing.certificate .*RSA key of 2048 bits; NCSC rates 3072 bits or more as good" "$WORK/check.log" ||
  kh_fail "no key-strength warning: $(cat "$WORK/check.log")"
rm -rf "$WORK/pki" && mv "$WORK/pki-3072" "$WORK/pki"

# The hub's certificate must carry hub.oin.
sed -i 's|oin: "00000099000000000001"|oin: "00000099000000000002"|' "$WORK/hub.yaml"
if check; then kh_fail "config check accepted a hub certificate with another OIN"; fi
grep -q "differs from hub.oin '00000099000000000002'" "$WORK/check.log" || kh_fail "OIN message: $(cat "$WORK/check.log")"
kh_pass
