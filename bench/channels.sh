#!/usr/bin/env bash
# Throughput of the fallback delivery channels with the real components (channel_bench): secure
# mail (MIME + S/MIME CMS with the hub's RSA-2048 key; SMTP with STARTTLS and AUTH to the test
# relay tests/unit/securemail/smtp_test_server.py) and print (letter XSLT + cairo/pango PDF; atomic,
# fsync'ed spool write). Prints the figures next to `openssl speed rsa2048` (one process) measured
# in the same run (before and after, the mean is used). Last line is machine-readable.
# Usage: bash bench/channels.sh   (env: MAILS prepare-only mails (20000), SMTP_MAILS mails per SMTP
#        phase (6000), LETTERS prepare-only letters (1500), SPOOL_LETTERS letters written to the
#        spool (300), THREADS client threads of the multi-threaded SMTP phases (4), BUILD_DIR)
# Defaults take ~5-10 s per figure on the 2-core host with openssl at ~4,900 signatures/s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
bash deploy/install-deps.sh
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target channel_bench >/dev/null
W="$(mktemp -d /tmp/ketenhub-channels.XXXXXX)"
RELAY=""
cleanup() {
  [ -z "$RELAY" ] || kill -TERM "$RELAY" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

bash deploy/pki/make-test-pki.sh "$W/pki" --sign-key rsa2048 >/dev/null
PASSWORD="bench-password-1"
(umask 077 && echo "$PASSWORD" >"$W/smtp.pass")
mkdir -p "$W/relay" "$W/spool"
# The relay keeps every mail (N.eml + N.json, no fsync) and a log line per command, as in the tests.
/usr/bin/python3 tests/unit/securemail/smtp_test_server.py --cert "$W/pki/partner-om.crt" \
  --key "$W/pki/partner-om.key" --store "$W/relay" --log "$W/relay.log" \
  --user ketenhub --password "$PASSWORD" >"$W/relay.out" 2>"$W/relay.err" &
RELAY=$!
for _ in $(seq 150); do grep -q '^PORT ' "$W/relay.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^PORT ' "$W/relay.out" || { echo "channels: the SMTP relay did not start:" >&2; cat "$W/relay.err" >&2; exit 1; }
SMTP_PORT=$(awk '/^PORT / {print $2}' "$W/relay.out")

openssl_speed() { openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print int($6)}'; }
echo "channels: measuring openssl speed rsa2048 (one process) before ..."
SIGN_BEFORE=$(openssl_speed)
echo "channels: running channel_bench ..."
RC=0
OUT=$("$BUILD/channel_bench" --source "$ROOT" --pki "$W/pki" --smtp "smtp://127.0.0.1:$SMTP_PORT" \
  --smtp-password-file "$W/smtp.pass" --smtp-pid "$RELAY" --spool "$W/spool" \
  --mails "${MAILS:-20000}" --smtp-mails "${SMTP_MAILS:-6000}" --letters "${LETTERS:-1500}" \
  --spool-letters "${SPOOL_LETTERS:-300}" \
  --threads "${THREADS:-4}") || RC=$?
if ! echo "$OUT" | tail -1 | grep -q 'failures='; then
  echo "$OUT"
  echo "channels: channel_bench failed (exit $RC)" >&2
  exit 1
fi
echo "channels: measuring openssl speed rsa2048 (one process) after ..."
SIGN_AFTER=$(openssl_speed)
SIGN_PER_S=$(((SIGN_BEFORE + SIGN_AFTER) / 2))
LAST=$(echo "$OUT" | tail -1)
get() { echo "$LAST" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
sig() { awk -v u="$1" -v s="$SIGN_PER_S" 'BEGIN { printf "%.2f", u * s / 1e6 }'; }
STORED=$(find "$W/relay" -name '*.eml' | wc -l)
LETTERS_WRITTEN=$(find "$W/spool" -name '*.json' | wc -l)

echo
echo "$OUT" | sed '$d' | sed 's/^channel_bench: /channels: /'
echo "channels: the relay stored $STORED mails; the spool holds $LETTERS_WRITTEN letters"
echo "channels: openssl speed rsa2048 (one process): $SIGN_PER_S signatures/s (before $SIGN_BEFORE, after $SIGN_AFTER)"
echo "channels: CPU per mail (prepare) $(get mails_prepare_cpu_us) us = $(sig "$(get mails_prepare_cpu_us)") x one openssl signature;" \
  "prepare+send $(get mails_smtp_cpu_us) us = $(sig "$(get mails_smtp_cpu_us)") signatures (+ relay $(get mails_smtp_relay_cpu_us) us)"
echo "channels: CPU per letter (prepare) $(get letters_prepare_cpu_us) us = $(sig "$(get letters_prepare_cpu_us)") signatures;" \
  "prepare+spool $(get letters_spool_cpu_us) us; the spool write adds" \
  "$(awk -v p="$(get letters_prepare_per_s)" -v s="$(get letters_spool_per_s)" 'BEGIN { printf "%.1f", 1000 / s - 1000 / p }') ms per letter (wall)"
echo "channels: send only, 1 thread $(get mails_send1_per_s)/s (relay busy $(get mails_send1_relay_busy) of a core)," \
  "$(get threads) threads $(get mails_sendt_per_s)/s (relay busy $(get mails_sendt_relay_busy))"
[ "$(get failures)" = 0 ] || echo "channels: $(get failures) FAILED (see above)"
echo "channels: mails_prepare_per_s=$(get mails_prepare_per_s) mails_smtp_per_s=$(get mails_smtp_per_s)" \
  "letters_prepare_per_s=$(get letters_prepare_per_s) letters_spool_per_s=$(get letters_spool_per_s)" \
  "openssl_sign_per_s=$SIGN_PER_S"
[ "$RC" = 0 ] || exit 1
