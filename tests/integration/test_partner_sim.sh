#!/usr/bin/env bash
# partner-sim end to end: test PKI, mutual TLS, XML-DSig (signed with the xmlsec1 CLI), schema,
# storage, fault injection and TLS refusals, driven with the curl CLI.
# Needs KETENHUB_BIN (the built binary) and KETENHUB_SOURCE_DIR.
set -euo pipefail

: "${KETENHUB_BIN:?set KETENHUB_BIN to the ketenhub binary}"
SRC="${KETENHUB_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
T="$(mktemp -d /tmp/ketenhub-partner-sim.XXXXXX)"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  [[ -n "${KEEP:-}" ]] || rm -rf "$T"
}
trap cleanup EXIT

FAILS=0
pass() { echo "ok   - $*"; }
failed() {
  echo "FAIL - $*" >&2
  FAILS=$((FAILS + 1))
}
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then pass "$1"; else failed "$1: expected '$2', got '$3'"; fi
}
die() {
  echo "FATAL - $*" >&2
  for f in "$T"/*.err; do [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}

PKI="$T/pki"
bash "$SRC/deploy/pki/make-test-pki.sh" "$PKI" >/dev/null || die "make-test-pki.sh failed"
[[ "$(stat -c %a "$PKI/hub-sign.key")" == 600 ]] || die "key files must be mode 600"

# start_sim NAME ARGS...: starts partner-sim with the om certificate, waits for its port file and
# sets PORT.
start_sim() {
  local name="$1"
  shift
  "$KETENHUB_BIN" partner-sim --listen 127.0.0.1:0 --ca "$PKI/ca.crt" \
    --cert "$PKI/partner-om.crt" --key "$PKI/partner-om.key" \
    --port-file "$T/$name.port" "$@" >"$T/$name.out" 2>"$T/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  eval "PID_${name}=$pid"
  for _ in $(seq 1 100); do
    [[ -s "$T/$name.port" ]] && break
    kill -0 "$pid" 2>/dev/null || die "partner-sim $name exited at start"
    sleep 0.1
  done
  [[ -s "$T/$name.port" ]] || die "partner-sim $name wrote no port file"
  PORT="$(cat "$T/$name.port")"
}

# A product template with an enveloped signature, signed with the xmlsec1 CLI.
sign() {  # sign IN OUT
  xmlsec1 --sign --privkey-pem "$PKI/hub-sign.key,$PKI/hub-sign.crt" --output "$2" "$1" \
    2>"$T/xmlsec.err" || die "xmlsec1 --sign failed: $(cat "$T/xmlsec.err")"
}
template() {  # template ZAAK
  cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<melding xmlns="urn:ketenhub:test:melding"><zaak>$1</zaak><stap>crisismaatregel</stap>
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<Reference URI=""><Transforms>
<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>
</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo>
</Signature></melding>
XML
}
template "Z-2026-000001" >"$T/valid.tmpl"
sign "$T/valid.tmpl" "$T/valid.xml"
xmlsec1 --verify --trusted-pem "$PKI/ca.crt" "$T/valid.xml" >/dev/null 2>&1 ||
  die "xmlsec1 cannot verify its own test document"
sed 's#<zaak>Z-2026-000001</zaak>#<zaak>Z-2026-000002</zaak>#' "$T/valid.xml" >"$T/tampered.xml"
template "" | sed 's#<zaak></zaak>##' >"$T/invalid.tmpl"  # signed, but <zaak> is required
sign "$T/invalid.tmpl" "$T/invalid.xml"

mkdir -p "$T/schemas/om"
cat >"$T/schemas/om/melding.xsd" <<'XSD'
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:ketenhub:test:melding"
           xmlns="urn:ketenhub:test:melding" elementFormDefault="qualified">
  <xs:element name="melding">
    <xs:complexType><xs:sequence>
      <xs:element name="zaak" type="xs:string"/>
      <xs:element name="stap" type="xs:string"/>
      <xs:any namespace="http://www.w3.org/2000/09/xmldsig#" processContents="lax"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
XSD

CURL=(curl -sS --max-time 10 --cacert "$PKI/ca.crt")
CLIENT=(--cert "$PKI/hub-client.crt" --key "$PKI/hub-client.key")
post() {  # post PORT ID FILE [curl args...] -> prints the status code; body in $T/body
  local port="$1" id="$2" file="$3"
  shift 3
  "${CURL[@]}" "${CLIENT[@]}" -o "$T/body" -w '%{http_code}' "$@" \
    -H 'Content-Type: application/xml; charset=utf-8' -H "X-Message-Id: $id" \
    -H 'X-Case-Id: Z-2026-000001' -H 'X-Event-Type: crisismaatregel.genomen' \
    -H 'X-Product: melding' --data-binary "@$file" "https://localhost:$port/om/kennisgevingen" || true
}

# --- usage errors exit 2 -----------------------------------------------------------------------
set +e
"$KETENHUB_BIN" partner-sim --listen 127.0.0.1:0 >/dev/null 2>"$T/usage.err"
rc=$?
set -e
check "missing options are a usage error (exit 2)" 2 "$rc"
check "usage error is one line" 1 "$(wc -l <"$T/usage.err")"

# --- the checking partner ----------------------------------------------------------------------
OUT="$T/out"
start_sim main --partner om --verify-ca "$PKI/ca.crt" --schemas "$T/schemas" --out "$OUT"
MAIN_PORT="$PORT"
check "listening line on stdout" "partner-sim listening on 127.0.0.1:$MAIN_PORT" \
  "$(head -n 1 "$T/main.out")"

check "valid signed delivery -> 200" 200 "$(post "$MAIN_PORT" d-valid-1 "$T/valid.xml")"
grep -q '<deliveryId>d-valid-1</deliveryId>' "$T/body" && pass "receipt names the delivery" ||
  failed "receipt: $(cat "$T/body")"
cmp -s "$T/valid.xml" "$OUT/d-valid-1.xml" && pass "document stored as sent" ||
  failed "stored document differs or is missing"
line="$(grep '"delivery_id":"d-valid-1"' "$OUT/received.jsonl" || true)"
[[ "$line" == *'"verified":true'* && "$line" == *'"signer_oin":"00000099000000000001"'* &&
  "$line" == *'"client_oin":"00000099000000000001"'* && "$line" == *'"product":"melding"'* ]] &&
  pass "received.jsonl line" || failed "received.jsonl line: $line"

check "duplicate delivery -> 200" 200 "$(post "$MAIN_PORT" d-valid-1 "$T/valid.xml")"
check "duplicates are counted in received.jsonl" 2 \
  "$(grep -c '"delivery_id":"d-valid-1"' "$OUT/received.jsonl")"

check "tampered document -> 400" 400 "$(post "$MAIN_PORT" d-tampered "$T/tampered.xml")"
[[ "$(cat "$T/body")" == signature:* ]] && pass "reason names the signature" ||
  failed "tampered reason: $(cat "$T/body")"
check "schema-invalid document -> 400" 400 "$(post "$MAIN_PORT" d-invalid "$T/invalid.xml")"
[[ "$(cat "$T/body")" == schema:* ]] && pass "reason names the schema" ||
  failed "schema reason: $(cat "$T/body")"
code="$("${CURL[@]}" "${CLIENT[@]}" -o "$T/body" -w '%{http_code}' \
  -H 'Content-Type: application/xml; charset=utf-8' --data-binary "@$T/valid.xml" \
  "https://localhost:$MAIN_PORT/deliver" || true)"
check "missing X-Message-Id -> 400" 400 "$code"
check "a request target that is no path -> 404" 404 \
  "$("${CURL[@]}" "${CLIENT[@]}" -o /dev/null -w '%{http_code}' -X OPTIONS --request-target '*' \
    "https://localhost:$MAIN_PORT/")"
check "GET on the delivery path -> 405" 405 \
  "$("${CURL[@]}" "${CLIENT[@]}" -o /dev/null -w '%{http_code}' \
    "https://localhost:$MAIN_PORT/deliver")"
[[ ! -e "$OUT/d-tampered.xml" && ! -e "$OUT/d-invalid.xml" ]] && pass "rejected documents not stored" ||
  failed "a rejected document was stored"
check "only accepted requests in received.jsonl" 2 "$(wc -l <"$OUT/received.jsonl")"

# --- TLS refusals ------------------------------------------------------------------------------
refused() {  # refused DESCRIPTION CURL_ARGS...: the request must fail before any HTTP status
  local desc="$1"
  shift
  local code
  code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$@" \
    "https://localhost:$MAIN_PORT/healthz" 2>/dev/null || true)"
  check "$desc" 000 "$code"
}
check "health check with client certificate" 200 \
  "$("${CURL[@]}" "${CLIENT[@]}" -o /dev/null -w '%{http_code}' \
    "https://localhost:$MAIN_PORT/healthz")"
refused "no client certificate -> handshake refused"
refused "rogue client certificate -> refused" \
  --cert "$PKI/rogue-client.crt" --key "$PKI/rogue-client.key"
refused "TLS 1.1 -> refused" "${CLIENT[@]}" --tlsv1.1 --tls-max 1.1
refused "CBC-only TLS 1.2 client -> refused" "${CLIENT[@]}" --tls-max 1.2 \
  --ciphers ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA
check "TLS 1.2 with AEAD suites accepted" 200 \
  "$("${CURL[@]}" "${CLIENT[@]}" --tls-max 1.2 -o /dev/null -w '%{http_code}' \
    "https://localhost:$MAIN_PORT/healthz")"
grep -q '"msg":"tls handshake refused"' "$T/main.err" && pass "refusals are logged" ||
  failed "no handshake refusal in the log"
if grep -q 'Z-2026-000002\|crisismaatregel</stap>' "$T/main.err"; then
  failed "document content in the log"
else
  pass "no document content in the log"
fi

# --- fault injection ---------------------------------------------------------------------------
start_sim status --status 400 --no-verify-signature
check "--status 400 -> 400" 400 "$(post "$PORT" d-status "$T/valid.xml")"
grep -q 'signature verification disabled' "$T/status.err" && pass "--no-verify-signature is announced" ||
  failed "--no-verify-signature not announced"

start_sim flaky --fail-first 1
code="$(post "$PORT" d-flaky "$T/valid.xml" -D "$T/headers")"
check "--fail-first 1: first request -> 503" 503 "$code"
grep -qi '^retry-after: 1' "$T/headers" && pass "503 carries Retry-After: 1" ||
  failed "no Retry-After on 503"
check "--fail-first 1: second request -> 200" 200 "$(post "$PORT" d-flaky "$T/valid.xml")"

# --- a partner certificate from another CA is refused by a client trusting the test CA ----------
"$KETENHUB_BIN" partner-sim --listen 127.0.0.1:0 --ca "$PKI/ca.crt" \
  --cert "$PKI/rogue-partner.crt" --key "$PKI/rogue-partner.key" --port-file "$T/rogue.port" \
  >"$T/rogue.out" 2>"$T/rogue.err" &
PIDS+=("$!")
for _ in $(seq 1 100); do [[ -s "$T/rogue.port" ]] && break; sleep 0.1; done
[[ -s "$T/rogue.port" ]] || die "rogue partner-sim did not start"
code="$("${CURL[@]}" "${CLIENT[@]}" -o /dev/null -w '%{http_code}' \
  "https://localhost:$(cat "$T/rogue.port")/healthz" 2>/dev/null || true)"
check "wrong partner certificate -> refused by the client" 000 "$code"

# --- clean stop --------------------------------------------------------------------------------
kill -TERM "$PID_main"
set +e
wait "$PID_main"
rc=$?
set -e
check "SIGTERM -> exit 0" 0 "$rc"

if [[ "$FAILS" -gt 0 ]]; then
  echo "$FAILS check(s) failed" >&2
  exit 1
fi
echo "all partner-sim checks passed"
