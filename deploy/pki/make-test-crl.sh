#!/usr/bin/env bash
# A test CRL (never for production), made with `openssl ca -gencrl`.
#
#   make-test-crl.sh CA.crt CA.key OUT.crl [--hours N | --expired] [--der] [REVOKED.crt ...]
#
# OUT.crl is signed by CA.key, lists the given certificates as revoked (keyCompromise), and is
# valid for N hours (default 24) from now; --expired makes one whose nextUpdate has passed
# (thisUpdate two days ago, nextUpdate yesterday). PEM unless --der.
set -euo pipefail

usage() {
  echo "usage: make-test-crl.sh CA.crt CA.key OUT.crl [--hours N | --expired] [--der] [REVOKED.crt ...]" >&2
  exit 2
}
[[ $# -ge 3 ]] || usage
CA_CRT="$1" CA_KEY="$2" OUT="$3"
shift 3
HOURS=24
EXPIRED=0
DER=0
REVOKE=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hours) [[ $# -ge 2 ]] || usage; HOURS="$2"; shift 2 ;;
    --expired) EXPIRED=1; shift ;;
    --der) DER=1; shift ;;
    -*) usage ;;
    *) REVOKE+=("$1"); shift ;;
  esac
done

DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
touch "$DIR/index.txt"
echo 01 >"$DIR/crlnumber"
cat >"$DIR/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $DIR/index.txt
crlnumber = $DIR/crlnumber
default_md = sha256
EOF
for cert in "${REVOKE[@]}"; do
  openssl ca -config "$DIR/ca.cnf" -cert "$CA_CRT" -keyfile "$CA_KEY" -revoke "$cert" \
    -crl_reason keyCompromise 2>/dev/null
done
VALIDITY=(-crlhours "$HOURS")
if [[ "$EXPIRED" == 1 ]]; then
  VALIDITY=(-crl_lastupdate "$(date -u -d '2 days ago' +%Y%m%d%H%M%SZ)"
    -crl_nextupdate "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)")
fi
openssl ca -config "$DIR/ca.cnf" -cert "$CA_CRT" -keyfile "$CA_KEY" -gencrl "${VALIDITY[@]}" \
  -out "$DIR/out.pem" 2>/dev/null
if [[ "$DER" == 1 ]]; then
  openssl crl -in "$DIR/out.pem" -outform DER -out "$DIR/out.crl"
else
  cp "$DIR/out.pem" "$DIR/out.crl"
fi
chmod 644 "$DIR/out.crl"
mv -f "$DIR/out.crl" "$OUT"
