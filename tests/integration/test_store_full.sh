#!/usr/bin/env bash
# When the store cannot commit (here its size cap, as with a full disk) the hub accepts nothing it
# cannot keep: it stops granting credit, /readyz says why, what it did accept is stored, and it
# still shuts down cleanly.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
kh_config "$(kh_free_port)"  # no partner running: deliveries wait
sed -i 's|^  sqlite: ketenhub.db|  sqlite: ketenhub.db\n  max_size_mb: 1|' "$WORK/hub.yaml"
kh_start_hub
timeout 20 "$BIN" send "$SRC/examples/events/wvggz.crisismaatregel.genomen.json" \
  --url "amqp://127.0.0.1:$AMQP_PORT" --address wvggz.events --event-type wvggz.crisismaatregel.genomen \
  --case-id CM-0344-2026 --actor burgemeester:0344:test --count 2000 --window 50 >"$WORK/send.log" 2>&1 &
SEND=$!
PIDS+=($SEND)
not_ready() { ! curl -sf "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null; }
kh_wait_until 30 not_ready || kh_fail "the hub stayed ready with a full store"
curl -s "http://127.0.0.1:$ADMIN_PORT/readyz" | grep -q "store: not writable" || kh_fail "readyz does not name the store"
stored1=$(kh_sql "SELECT COUNT(*) FROM events")
sleep 2
stored2=$(kh_sql "SELECT COUNT(*) FROM events")
kh_assert_eq "$stored1" "$stored2" "events stored while the store is full"
[ "$stored1" -lt 2000 ] || kh_fail "everything fit: the cap did not bite"
kh_log "store full after $stored1 events; intake stopped"
grep -q "store commit failed; holding the batch" "$WORK/hub.log" || kh_fail "no store failure logged"
kill -TERM "$HUB_PID"
stopped() { ! kill -0 "$HUB_PID" 2>/dev/null; }
kh_wait_until 20 stopped || kh_fail "the hub did not stop with a full store"
wait "$SEND" 2>/dev/null || true
accepted=$(grep -o 'accepted=[0-9]*' "$WORK/send.log" | cut -d= -f2 || true)
[ -z "$accepted" ] || [ "$accepted" -le "$stored1" ] || kh_fail "accepted $accepted but stored $stored1"
kh_pass
