#!/usr/bin/env bash
# `route test` is the dry run of every channel: with securemail and print configured it prints, and
# with --out writes, the exact wire message of each channel of the chain: the HTTP request of the
# coupling (for digikoppeling-wus the SOAP envelope), the S/MIME-signed mail, the PDF letter with its
# manifest. Nothing is sent: no SMTP server and no partner listen.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fallback_lib.sh"
kh_pki
mkdir -p "$WORK/print-spool"
SPOOL_DIR="$WORK/print-spool"
OM_PORT=$(kh_free_port)
SMTP_PORT=$(kh_free_port)
ZAAK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["zaaknummer"])' "$EVENT_JSON")

for adapter in rest-xml digikoppeling-wus; do
  rm -rf "$WORK/out"
  PARTNER_ADAPTER=$adapter SMTP_URL="smtp://localhost:$SMTP_PORT" fb_config "$OM_PORT"
  "$BIN" route test --config "$WORK/hub.yaml" "$EVENT_JSON" --event-type wvggz.crisismaatregel.genomen \
    --partner om --out "$WORK/out" >"$WORK/route-test.log" 2>&1 || kh_fail "route test: $(cat "$WORK/route-test.log")"
  for ch in "$adapter" securemail print; do
    grep -q "^  channel $ch: " "$WORK/route-test.log" || kh_fail "no $ch line: $(cat "$WORK/route-test.log")"
  done
  d="$WORK/out/om"
  product="$d/kennisgeving-crisismaatregel.xml"
  "$BIN" verify "$product" --ca "$WORK/pki/ca.crt" >/dev/null || kh_fail "the dry-run product does not verify"
  wire="$d/kennisgeving-crisismaatregel.$adapter.wire"
  [ -f "$wire" ] || kh_fail "no $adapter wire file"
  grep -q '^X-Message-Id: ' "$wire" || kh_fail "no X-Message-Id in the $adapter request"
  if [ "$adapter" = digikoppeling-wus ]; then
    grep -q '<soap:Envelope' "$wire" || kh_fail "the WUS wire message is not the SOAP envelope"
    grep -q '^SOAPAction: "urn:ketenhub:om:kennisgeving-crisismaatregel:1"' "$wire" || kh_fail "no SOAPAction"
  else
    # The rest-xml body is the signed product, byte for byte.
    $PY - "$wire" "$product" <<'PY' || kh_fail "rest-xml body differs from the signed product"
import sys
wire = open(sys.argv[1], "rb").read()
body = wire.split(b"\n\n", 1)[1]
sys.exit(0 if body == open(sys.argv[2], "rb").read() else 1)
PY
  fi
  mail="$d/kennisgeving-crisismaatregel.securemail.wire"
  grep -q '^Content-Type: multipart/signed; protocol="application/pkcs7-signature"' "$mail" || kh_fail "mail not S/MIME-signed"
  # The mail as the gateway would receive it (from the blank line after the envelope lines).
  $PY - "$mail" "$WORK/mail.eml" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(raw.split(b"\n\n", 1)[1])
PY
  openssl cms -verify -CAfile "$WORK/pki/ca.crt" -in "$WORK/mail.eml" -out /dev/null 2>"$WORK/cms.log" ||
    kh_fail "dry-run mail signature: $(cat "$WORK/cms.log")"
  subject=$($PY "$SMTP_SERVER" --inspect "$WORK/mail.eml" | sed -n 's/^subject=//p')
  kh_assert_eq "$ZAAK $ENDASH Kennisgeving crisismaatregel" "$subject" "dry-run mail subject"
  pdf=$(find "$d" -name 'kennisgeving-crisismaatregel.print.wire')
  [ -n "$pdf" ] || kh_fail "no print wire file"
  manifest=$(find "$d" -name 'kennisgeving-crisismaatregel.print.*.json')
  [ -n "$manifest" ] || kh_fail "no print manifest"
  $PY - "$pdf" "$WORK/letter.pdf" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(raw.split(b"\n\n", 1)[1])
PY
  pdftotext "$WORK/letter.pdf" - | grep -q "$ZAAK" || kh_fail "the dry-run letter lacks the zaaknummer"
  kh_assert_eq "$(sha256sum "$WORK/letter.pdf" | cut -d' ' -f1)" \
    "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["pdf_sha256"])' "$manifest")" "manifest pdf_sha256"
  [ -z "$(ls -A "$SPOOL_DIR")" ] || kh_fail "route test wrote into the spool"
  kh_log "route test $adapter: coupling, mail and letter shown, nothing sent"
done
kh_log "PASS"
