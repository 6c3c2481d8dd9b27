#!/usr/bin/env bash
# Throwaway PKI for the hub/curl unit tests: two CAs, server certificates with SAN IP:127.0.0.1
# and an OIN in subject:serialNumber, a client certificate, and the server's SPKI pin.
# Usage: make_test_pki.sh DIR   (EC P-256 keys: fast to generate)
set -euo pipefail
cd "$1"
export OPENSSL_CONF=/dev/null

ca() {  # name
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -out "$1.pem" -days 2 -subj "/O=ketenhub test/CN=$1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
}

leaf() {  # name ca subject extensions
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -out "$1.csr" -subj "$3" 2>/dev/null
  printf '%b\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 2 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  chmod 600 "$1.key"
}

ca ca1
ca ca2
server_ext='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth'
leaf server1 ca1 "/O=Partner/serialNumber=00000001003214345000/CN=127.0.0.1" \
  "$server_ext\nsubjectAltName=IP:127.0.0.1"
leaf server2 ca2 "/O=Partner/serialNumber=00000001003214345000/CN=127.0.0.1" \
  "$server_ext\nsubjectAltName=IP:127.0.0.1"
leaf wrongname ca1 "/O=Partner/serialNumber=00000001003214345000/CN=partner.example" \
  "$server_ext\nsubjectAltName=DNS:partner.example"
leaf client ca1 "/O=ketenhub/serialNumber=00000001999999999000/CN=ketenhub-test" \
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'

openssl x509 -in server1.pem -pubkey -noout | openssl pkey -pubin -outform DER |
  openssl dgst -sha256 -binary | base64 > server1.pin
openssl x509 -in server2.pem -pubkey -noout | openssl pkey -pubin -outform DER |
  openssl dgst -sha256 -binary | base64 > server2.pin
