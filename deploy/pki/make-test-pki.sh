#!/usr/bin/env bash
# Test PKI for ketenhub (never for production): a test CA, the hub's signing and TLS client
# certificates, one TLS server certificate per chain partner, and a rogue CA with a rogue server and
# client certificate for negative tests. openssl CLI only.
#
#   make-test-pki.sh OUTDIR [--sign-key rsa2048|rsa3072|ec256]
#
# Idempotent: with OUTDIR/ca.crt present and the signing key of the requested type it does nothing;
# a different --sign-key only replaces hub-sign.{crt,key}. Missing files and certificates that
# expire within a day are (re)made (a new CA remakes everything it issued). Prints the OINs when it
# made something; OUTDIR/oins.txt lists them ("hub 000...01", "om 000...11", ...).
# Keys: ECDSA P-256 (CA, TLS) and RSA-3072 (signing, default) — NCSC "good"; rsa2048 is for the
# benchmark only. Everything SHA-256, certificates valid 90 days, key files mode 600.
set -euo pipefail

usage() {
  echo "usage: make-test-pki.sh OUTDIR [--sign-key rsa2048|rsa3072|ec256]" >&2
  exit 2
}

OUT=""
SIGN_KEY="rsa3072"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sign-key)
      [[ $# -ge 2 ]] || usage
      SIGN_KEY="$2"
      shift 2
      ;;
    --sign-key=*)
      SIGN_KEY="${1#--sign-key=}"
      shift
      ;;
    -h | --help) usage ;;
    -*) echo "make-test-pki.sh: unknown option $1" >&2; usage ;;
    *)
      [[ -z "$OUT" ]] || usage
      OUT="$1"
      shift
      ;;
  esac
done
[[ -n "$OUT" ]] || usage
case "$SIGN_KEY" in
  rsa2048 | rsa3072 | ec256) ;;
  *) echo "make-test-pki.sh: --sign-key must be rsa2048, rsa3072 or ec256" >&2; exit 2 ;;
esac

DAYS=90
HUB_OIN="00000099000000000001"
PARTNERS=(om igj pvp rvr ciz)
declare -A PARTNER_OIN=(
  [om]="00000099000000000011"
  [igj]="00000099000000000012"
  [pvp]="00000099000000000013"
  [rvr]="00000099000000000014"
  [ciz]="00000099000000000015"
)
ROGUE_CA_OIN="00000099000000000099"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
umask 077

# Serialise concurrent runs on the same directory.
exec 9>"$OUT/.lock"
flock 9

WORK="$(mktemp -d "$OUT/.tmp.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

made=0

# newKey FILE TYPE: private key (PKCS#8 PEM), mode 600.
newKey() {
  local file="$1" type="$2"
  case "$type" in
    ec256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$file" 2>/dev/null ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$file" 2>/dev/null ;;
    rsa3072) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$file" 2>/dev/null ;;
  esac
  chmod 600 "$file"
}

# keyType KEYFILE -> ec256 | rsa2048 | rsa3072 | unknown
keyType() {
  local text
  text="$(openssl pkey -in "$1" -noout -text 2>/dev/null | head -n 1)" || true
  case "$text" in
    *"Private-Key: (256 bit"*) echo ec256 ;;
    *"Private-Key: (2048 bit"*) echo rsa2048 ;;
    *"Private-Key: (3072 bit"*) echo rsa3072 ;;
    *) echo unknown ;;
  esac
}

# fresh NAME: NAME.{crt,key} exist and the certificate is valid for at least one more day.
fresh() {
  [[ -s "$OUT/$1.crt" && -s "$OUT/$1.key" ]] &&
    openssl x509 -in "$OUT/$1.crt" -noout -checkend 86400 >/dev/null 2>&1
}

# makeCa NAME SUBJECT: self-signed CA, ECDSA P-256.
makeCa() {
  local name="$1" subject="$2"
  fresh "$name" && return 0
  newKey "$WORK/$name.key" ec256
  cat >"$WORK/$name.ext" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  openssl req -new -x509 -sha256 -days "$DAYS" -key "$WORK/$name.key" -subj "$subject" \
    -config "$WORK/$name.ext" -extensions v3_ca -out "$WORK/$name.crt"
  chmod 644 "$WORK/$name.crt"
  mv -f "$WORK/$name.key" "$OUT/$name.key"
  mv -f "$WORK/$name.crt" "$OUT/$name.crt"
  made=1
}

# makeLeaf NAME CA KEYTYPE SUBJECT EXTENSIONS...: certificate signed by CA (ca or rogue-ca).
makeLeaf() {
  local name="$1" ca="$2" ktype="$3" subject="$4"
  shift 4
  fresh "$name" && return 0
  newKey "$WORK/$name.key" "$ktype"
  {
    echo "[v3_leaf]"
    echo "basicConstraints = critical, CA:FALSE"
    echo "subjectKeyIdentifier = hash"
    echo "authorityKeyIdentifier = keyid:always"
    printf '%s\n' "$@"
  } >"$WORK/$name.ext"
  openssl req -new -sha256 -key "$WORK/$name.key" -subj "$subject" -out "$WORK/$name.csr"
  openssl x509 -req -sha256 -days "$DAYS" -in "$WORK/$name.csr" -CA "$OUT/$ca.crt" \
    -CAkey "$OUT/$ca.key" -set_serial "0x$(openssl rand -hex 16)" -extfile "$WORK/$name.ext" \
    -extensions v3_leaf -out "$WORK/$name.crt" 2>/dev/null
  chmod 644 "$WORK/$name.crt"
  mv -f "$WORK/$name.key" "$OUT/$name.key"
  mv -f "$WORK/$name.crt" "$OUT/$name.crt"
  made=1
}

SERVER_EXT=(
  "keyUsage = critical, digitalSignature"
  "extendedKeyUsage = serverAuth"
  "subjectAltName = DNS:localhost, IP:127.0.0.1"
)
CLIENT_EXT=(
  "keyUsage = critical, digitalSignature"
  "extendedKeyUsage = clientAuth"
)

# A new CA (missing or about to expire) would not match the leaves already here: remake them too.
if ! fresh ca; then
  rm -f "$OUT"/hub-*.crt "$OUT"/hub-*.key "$OUT"/partner-*.crt "$OUT"/partner-*.key
fi
if ! fresh rogue-ca; then
  rm -f "$OUT"/rogue-partner.* "$OUT"/rogue-client.*
fi
# Signing key of another type than requested: replace only the signing certificate.
if [[ -s "$OUT/hub-sign.key" && "$(keyType "$OUT/hub-sign.key")" != "$SIGN_KEY" ]]; then
  rm -f "$OUT/hub-sign.crt" "$OUT/hub-sign.key"
fi

makeCa ca "/CN=ketenhub test CA/O=ketenhub test PKI"
makeCa rogue-ca "/CN=ketenhub rogue CA/O=Rogue test PKI/serialNumber=$ROGUE_CA_OIN"

SIGN_USAGE="keyUsage = critical, digitalSignature, nonRepudiation"
makeLeaf hub-sign ca "$SIGN_KEY" \
  "/CN=ketenhub test signing/O=Gemeente Test/serialNumber=$HUB_OIN" "$SIGN_USAGE"
makeLeaf hub-client ca ec256 \
  "/CN=ketenhub test client/O=Gemeente Test/serialNumber=$HUB_OIN" "${CLIENT_EXT[@]}"
for p in "${PARTNERS[@]}"; do
  makeLeaf "partner-$p" ca ec256 \
    "/CN=localhost/O=Test partner $p/serialNumber=${PARTNER_OIN[$p]}" "${SERVER_EXT[@]}"
done
# The rogue certificates impersonate real subjects (om's server, the hub's client): only the
# issuing CA tells them apart.
makeLeaf rogue-partner rogue-ca ec256 \
  "/CN=localhost/O=Test partner om/serialNumber=${PARTNER_OIN[om]}" "${SERVER_EXT[@]}"
makeLeaf rogue-client rogue-ca ec256 \
  "/CN=ketenhub test client/O=Gemeente Test/serialNumber=$HUB_OIN" "${CLIENT_EXT[@]}"

if [[ "$made" == 1 || ! -s "$OUT/oins.txt" ]]; then
  {
    echo "hub $HUB_OIN"
    for p in "${PARTNERS[@]}"; do echo "$p ${PARTNER_OIN[$p]}"; done
  } >"$OUT/oins.txt"
  chmod 644 "$OUT/oins.txt"
fi

if [[ "$made" == 1 ]]; then
  echo "test PKI in $OUT (sign key $SIGN_KEY, valid $DAYS days)"
  echo "OINs (subject serialNumber):"
  sed 's/^/  /' "$OUT/oins.txt"
  echo "  rogue-partner ${PARTNER_OIN[om]} (impersonates om, rogue CA)"
  echo "  rogue-client $HUB_OIN (impersonates the hub, rogue CA)"
fi
