#!/usr/bin/env bash
# Several hub instances on one PostgreSQL store, on this machine (they share its cores with the
# database, the partner simulator and the senders, so CPU per delivery is printed with the rate).
#   1. Throughput with 1, 2 and 3 instances: N events in all, split over the instances (each
#      takes events on its own AMQP listener; a broker's competing consumers would do the same
#      split), one partner with a cap of 32 over all instances; deliveries/s end to end from the
#      store's timestamps, hub and postgres CPU per delivery. SQLite, one instance, for the cost
#      of the shared store.
#   2. Takeover after kill -9: three instances at the default store.postgres.lease_seconds (15);
#      ROUNDS times, deliveries are held in flight on one instance (the partner answers only
#      after a minute), that instance is killed, and the time until another instance has taken
#      all of them over is measured; then it is started again. Median and worst.
# Usage: bash bench/cluster.sh [N]   (env: ROUNDS=10, LEASE=15, INSTANCES="1 2 3",
#   TAKEOVER_ONLY=1 skips the throughput sets)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-6000}"
ROUNDS="${ROUNDS:-10}"
LEASE="${LEASE:-15}"
INSTANCES="${INSTANCES:-1 2 3}"
bash deploy/install-deps.sh
BUILD="${BUILD_DIR:-$ROOT/build-bench}"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target ketenhub >/dev/null
BIN="$BUILD/ketenhub"
source bench/lib.sh
bench_workdir cluster
# The integration tests' private server (its EXIT trap stops it, then runs bench_cleanup), with
# production durability as in bench/run.sh.
source tests/integration/pg_lib.sh
PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=128MB"
pg_start "$W/pg"
bash deploy/pki/make-test-pki.sh "$W/pki" --sign-key rsa2048 >/dev/null

# partner-sim NAME [ARGS...]: a partner simulator for om; sets SIM_PORT.
start_sim() {
  local name=$1
  shift
  rm -f "$W/$name.port"
  "$BIN" partner-sim --listen 127.0.0.1:0 --port-file "$W/$name.port" --partner om \
    --cert "$W/pki/partner-om.crt" --key "$W/pki/partner-om.key" --ca "$W/pki/ca.crt" \
    --no-verify-signature --quiet "$@" >"$W/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$W/$name.port" ] && break; sleep 0.1; done
  SIM_PORT=$(cat "$W/$name.port")
}
start_sim fast
FAST_PORT=$SIM_PORT
start_sim slow --delay-ms 60000
SLOW_PORT=$SIM_PORT

# instance_dir DIR STORE SIM_PORT: a hub's config in DIR (its own AMQP and admin ports, audit
# directory and instance name); STORE is "sqlite" or a database name.
instance_dir() {
  local dir=$1 store=$2 sim=$3
  mkdir -p "$dir/routes"
  ln -sfn "$W/pki" "$dir/pki"
  port >"$dir/amqp.port"
  port >"$dir/admin.port"
  {
    echo "hub: {name: ketenhub-bench, oin: \"00000099000000000001\"}"
    echo "intake:"
    echo "  credit_window: 200"
    echo "  listen: [{name: local, url: \"amqp://127.0.0.1:$(cat "$dir/amqp.port")\", address: wvggz.events}]"
    if [ "$store" = sqlite ]; then
      echo "store: {sqlite: hub.db}"
    else
      printf '%s\n' "store:" "  postgres:" \
        "    conninfo: \"host=127.0.0.1 port=$PG_PORT dbname=$store user=ketenhub_admin\"" \
        "    password_file: $PG_PASSWORD_FILE" "    lease_seconds: $LEASE" \
        "audit: {dir: audit, key_file: $W/audit-person.key, instance: $(basename "$dir")}"
    fi
    echo "signing: {key: pki/hub-sign.key, certificate: pki/hub-sign.crt}"
    echo "admin: {listen: \"127.0.0.1:$(cat "$dir/admin.port")\"}"
    echo "paths: {routes: routes, mappings: $ROOT/mappings, schemas: $ROOT/schemas}"
  } >"$dir/hub.yaml"
  cat >"$dir/routes/partners.yaml" <<YAML
partners:
  om:
    name: Openbaar Ministerie
    adapter: rest-xml
    endpoint: https://localhost:$sim/om
    tls: {ca: [pki/ca.crt], client_certificate: pki/hub-client.crt, client_key: pki/hub-client.key}
    concurrency: 32
YAML
  cat >"$dir/routes/bench.yaml" <<YAML
routes:
  - event_type: wvggz.crisismaatregel.genomen
    deliver:
      - {partner: om, product: kennisgeving-crisismaatregel, deadline: 30m}
YAML
}
# start_instance DIR: runs the hub of DIR; its pid in DIR/pid once it is ready.
start_instance() {
  local dir=$1
  (cd "$dir" && exec "$BIN" run --config hub.yaml >>"$dir/hub.log" 2>&1) &
  echo $! >"$dir/pid"
  PIDS+=($!)
  for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$(cat "$dir/admin.port")/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "bench: the hub in $dir did not start:" >&2
  tail -5 "$dir/hub.log" >&2
  exit 1
}
stop_instance() { kill -TERM "$(cat "$1/pid")" 2>/dev/null || true; wait "$(cat "$1/pid")" 2>/dev/null || true; }
send_to() {  # DIR COUNT CASE_PREFIX
  "$BIN" send "$ROOT/examples/events/wvggz.crisismaatregel.genomen.json" \
    --url "amqp://127.0.0.1:$(cat "$1/amqp.port")" --address wvggz.events \
    --event-type wvggz.crisismaatregel.genomen --actor bench:0344:load --case-id "$3" \
    --count "$2" --window 500 >"$1/send.log" 2>&1
}
pgsql() { "$PG_BIN/psql" "host=$PG_DIR/sock port=$PG_PORT user=ketenhub_admin dbname=$1" -X -qAt -v ON_ERROR_STOP=1 -c "$2"; }

# Phase 1: throughput.
RESULTS=()
run_set() {  # K STORE(sqlite|postgres)
  local k=$1 kind=$2 db="bench$1" dirs=() i pg_before hub_cpu=0 t0 t1
  [ "$kind" = postgres ] && pg_createdb "$db" >/dev/null
  for i in $(seq "$k"); do
    dirs+=("$W/set-$kind-$k/i$i")
    instance_dir "${dirs[-1]}" "$([ "$kind" = sqlite ] && echo sqlite || echo "$db")" "$FAST_PORT"
    start_instance "${dirs[-1]}"
  done
  local q="SELECT COUNT(*) FROM deliveries WHERE state IN ('delivered','dead')"
  count() { if [ "$kind" = sqlite ]; then sqlite3 "${dirs[0]}/hub.db" "$q"; else pgsql "$db" "$q"; fi; }
  pg_before=$(pg_cpu_s)
  local senders=()
  for i in $(seq "$k"); do
    send_to "${dirs[$((i - 1))]}" $((N / k)) "CM-0344-202$i" &
    senders+=($!)
  done
  wait "${senders[@]}"
  local total=$(((N / k) * k))
  for _ in $(seq 900); do [ "$(count)" -ge "$total" ] && break; sleep 1; done
  q="SELECT MIN(e.received_at) || '|' || MAX(d.final_at) FROM deliveries d JOIN events e ON e.id=d.event_id"
  if [ "$kind" = sqlite ]; then IFS="|" read -r t0 t1 <<<"$(sqlite3 "${dirs[0]}/hub.db" "$q")"; else IFS="|" read -r t0 t1 <<<"$(pgsql "$db" "$q")"; fi
  for d in "${dirs[@]}"; do hub_cpu=$(awk -v a="$hub_cpu" -v b="$(cpu_s "$(cat "$d/pid")")" 'BEGIN { print a + b }'); done
  local pg_cpu dps dead
  pg_cpu=$(awk -v a="$pg_before" -v b="$(pg_cpu_s)" 'BEGIN { printf "%.2f", b - a }')
  [ "$kind" = sqlite ] && pg_cpu=0
  dps=$(awk -v n="$total" -v ms="$((t1 - t0))" 'BEGIN { printf "%d", n * 1000 / (ms > 0 ? ms : 1) }')
  q="SELECT COUNT(*) FROM deliveries WHERE state='dead'"
  if [ "$kind" = sqlite ]; then dead=$(sqlite3 "${dirs[0]}/hub.db" "$q"); else dead=$(pgsql "$db" "$q"); fi
  RESULTS+=("$(printf '%-8s %d instance(s): %5d deliveries/s (%d events, dead %d); CPU per delivery: hubs %d us, postgres %d us' \
    "$kind" "$k" "$dps" "$total" "$dead" "$(awk -v c="$hub_cpu" -v n="$total" 'BEGIN { printf "%d", c * 1e6 / n }')" \
    "$(awk -v c="$pg_cpu" -v n="$total" 'BEGIN { printf "%d", c * 1e6 / n }')")")
  echo "bench: ${RESULTS[-1]}"
  for d in "${dirs[@]}"; do stop_instance "$d"; done
}
echo "bench: phase 1: $N events per set ..."
if [ "${TAKEOVER_ONLY:-0}" != 1 ]; then
  run_set 1 sqlite
  for k in $INSTANCES; do run_set "$k" postgres; done
fi

# Phase 2: takeover after kill -9.
echo "bench: phase 2: takeover after kill -9, $ROUNDS rounds, lease_seconds $LEASE ..."
pg_createdb takeover >/dev/null
TK=()
for i in 1 2 3; do
  TK+=("$W/takeover/i$i")
  instance_dir "${TK[-1]}" takeover "$SLOW_PORT"
  start_instance "${TK[-1]}"
done
TIMES=()
for r in $(seq "$ROUNDS"); do
  # Any instance claims any due delivery: the events go to one, and the instance holding most of
  # this round's deliveries in flight is the one killed.
  case_prefix="CM-0345-$(printf %04d "$r")"
  send_to "${TK[$((RANDOM % 3))]}" 4 "$case_prefix" || true
  mine="FROM deliveries d WHERE d.state='in_flight' AND d.case_id LIKE '$case_prefix-%'"
  for _ in $(seq 300); do [ "$(pgsql takeover "SELECT COUNT(*) $mine")" -ge 1 ] && break; sleep 0.1; done
  owner=$(pgsql takeover "SELECT d.lease_owner $mine GROUP BY d.lease_owner ORDER BY COUNT(*) DESC LIMIT 1")
  pid=${owner##*/}
  v=""
  for d in "${TK[@]}"; do [ "$(cat "$d/pid")" = "$pid" ] && v=$d; done
  if [ -z "$v" ]; then
    echo "bench: round $r: no delivery of $case_prefix in flight, skipped" >&2
    continue
  fi
  held="SELECT COUNT(*) FROM deliveries WHERE state='in_flight' AND lease_owner='$owner'"
  n=$(pgsql takeover "$held")
  # A random point in the lease's renewal cycle, as a real crash would be.
  sleep "$(awk -v r="$RANDOM" -v l="$LEASE" 'BEGIN { printf "%.1f", (r % 1000) / 1000 * l / 4 }')"
  kill -KILL "$pid"
  t0=$(date +%s%N)
  for _ in $(seq 600); do [ "$(pgsql takeover "$held")" -eq 0 ] && break; sleep 0.1; done
  t1=$(date +%s%N)
  wait "$pid" 2>/dev/null || true
  TIMES+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')")
  echo "bench: round $r: $n in flight on $(basename "$v") (pid $pid), taken over after ${TIMES[-1]} s"
  start_instance "$v"
done
SORTED=$(printf '%s\n' "${TIMES[@]}" | sort -n)
MEDIAN=$(awk '{a[NR]=$1} END { if (NR % 2) print a[(NR+1)/2]; else printf "%.1f", (a[NR/2] + a[NR/2+1]) / 2 }' <<<"$SORTED")
WORST=$(tail -n1 <<<"$SORTED")
for d in "${TK[@]}"; do stop_instance "$d"; done

echo
echo "bench: $(nproc) cores shared by the hubs, postgres (fsync on), partner-sim and the senders; RSA-2048 signing"
echo "bench: openssl speed rsa2048 (one process): $(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print int($6)}') signatures/s"
[ ${#RESULTS[@]} -eq 0 ] || printf 'bench: %s\n' "${RESULTS[@]}"
echo "bench: takeover after kill -9 (lease_seconds $LEASE, ${#TIMES[@]} of $ROUNDS rounds): median $MEDIAN s, worst $WORST s (all: ${TIMES[*]})"
