#!/usr/bin/env bash
# The cluster view: two hub instances on one private PostgreSQL store (lease 3 s). GET
# /api/v1/cluster on either (a viewer token; none: 401) lists both, alive, with their heartbeats,
# host and version, each marking itself; ketenhub_cluster_instances says 2 alive; `ketenhub
# status` prints one line per instance. After kill -9 of one, the other shows it stale once its
# heartbeat is older than 2 x the lease (and not before), the metric and the CLI too. Each
# instance's in_flight is what the store has leased to it; the killed one's go to the other.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pg_lib.sh"
T0=$SECONDS
kh_pki
pg_start "$WORK/pg"
pg_createdb ketenhub
kh_start_sim om om
kh_config "$SIM_PORT_om"
pg_hub_store ketenhub 3
VIEWER_TOKEN="viewer-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf 'cluster.viewer viewer sha256:%s\n' "$(printf %s "$VIEWER_TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/tokens"
sed -i "s|^admin:|admin:\n  tokens_file: tokens|" "$WORK/hub.yaml"

kh_start_hub
A_PID=$HUB_PID
A_ADMIN=$ADMIN_PORT
kh_start_hub
B_PID=$HUB_PID
B_ADMIN=$ADMIN_PORT
kh_log "two instances: pid $A_PID (admin $A_ADMIN), pid $B_PID (admin $B_ADMIN)"

cluster() { curl -sf -H "Authorization: Bearer $VIEWER_TOKEN" "http://127.0.0.1:$1/api/v1/cluster"; }
# "id state age in_flight self host version" per instance, one a line.
rows() { cluster "$1" | $PY -c '
import json, sys
c = json.load(sys.stdin)
for i in c["instances"]:
    print(i["id"], i["state"], i["heartbeat_age_s"], i["in_flight"], str(i["self"]).lower(),
          i["host"] or "-", i["version"] or "-", i["started_at"], i["heartbeat_at"])'; }

code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$A_ADMIN/api/v1/cluster")
kh_assert_eq 401 "$code" "GET /api/v1/cluster without a token"

# On either instance: both, alive, each marking itself; lease_seconds as configured.
HOST=$(hostname)
VERSION=$("$BIN" --version | awk '{print $2}')
for pair in "$A_ADMIN:$A_PID" "$B_ADMIN:$B_PID"; do
  admin=${pair%%:*} pid=${pair##*:}
  body=$(cluster "$admin") || kh_fail "GET /api/v1/cluster on admin $admin failed"
  self=$(echo "$body" | $PY -c 'import json,sys; c=json.load(sys.stdin); print(c["self"], c["lease_seconds"])')
  [[ $self =~ ^.+/$pid\ 3$ ]] || kh_fail "self and lease on $admin: $self"
  out=$(rows "$admin")
  kh_log "cluster on admin $admin:"$'\n'"$out"
  kh_assert_eq 2 "$(echo "$out" | grep -c ' alive ')" "instances alive on admin $admin"
  for p in "$A_PID" "$B_PID"; do
    line=$(echo "$out" | grep "/$p ") || kh_fail "instance $p missing on admin $admin: $out"
    read -r _ _ age _ me host version started beat <<<"$line"
    [ "$age" -le 3 ] || kh_fail "instance $p heartbeat $age s old on admin $admin"
    kh_assert_eq "$([ "$p" = "$pid" ] && echo true || echo false)" "$me" "self flag of $p on admin $admin"
    kh_assert_eq "$HOST" "$host" "host of $p"
    kh_assert_eq "$VERSION" "$version" "version of $p"
    [[ $started =~ ^20[0-9-]+T[0-9:.]+Z$ && $beat =~ ^20[0-9-]+T[0-9:.]+Z$ ]] || kh_fail "times of $p: $line"
  done
done

metric() { curl -sf "http://127.0.0.1:$1/metrics" | awk -v s="$2" '$1 == "ketenhub_cluster_instances{state=\"" s "\"}" {print $2}'; }
kh_assert_eq 2 "$(metric "$A_ADMIN" alive)" "ketenhub_cluster_instances alive"
kh_assert_eq 0 "$(metric "$A_ADMIN" stale)" "ketenhub_cluster_instances stale"

status_cli() { KETENHUB_TOKEN=$VIEWER_TOKEN "$BIN" status --admin "http://127.0.0.1:$1"; }
out=$(status_cli "$A_ADMIN") || kh_fail "ketenhub status failed: $out"
echo "$out" | grep -q '^INSTANCE  *STATE  *HEARTBEAT AGE  *IN FLIGHT' || kh_fail "no cluster section in status: $out"
echo "$out" | grep -Eq "/$A_PID \*  +alive  +[0-9]+ s  +[0-9]+" || kh_fail "status: this instance not alive and marked: $out"
echo "$out" | grep -Eq "/$B_PID  +alive  +[0-9]+ s  +[0-9]+" || kh_fail "status: the other instance not alive: $out"

# Attempts in flight: the partner holds its answers; each instance's in_flight is what the store
# has leased to it.
A_AMQP=$(grep '"msg":"intake listening"' "$WORK/hub.log" | head -1 | $PY -c 'import json,sys; print(json.loads(sys.stdin.readline())["port"])')
kill -STOP "$SIM_PID_om"
AMQP_PORT=$A_AMQP CASE_PREFIX=CM-0348-2026 kh_send 6 >"$WORK/send.log" 2>&1 || { kill -CONT "$SIM_PID_om"; kh_fail "send failed"; }
pgq() { pg_psql ketenhub -c "$1"; }
leased() { pgq "SELECT COUNT(*) FROM deliveries WHERE state='in_flight' AND lease_owner LIKE '%/$1'"; }
in_flight() { rows "$1" | awk -v p="/$2" 'index($1, p) {print $4}'; }
settled() { [ "$(leased "$A_PID")" -gt 0 ] && [ "$(in_flight "$B_ADMIN" "$A_PID")" = "$(leased "$A_PID")" ] &&
  [ "$(in_flight "$A_ADMIN" "$B_PID")" = "$(leased "$B_PID")" ]; }
kh_wait_until 15 settled || { kill -CONT "$SIM_PID_om"; kh_fail "in flight not as leased: $(rows "$B_ADMIN"); $(pgq "SELECT lease_owner, COUNT(*) FROM deliveries WHERE state='in_flight' GROUP BY 1")"; }
kh_log "in flight: $(in_flight "$B_ADMIN" "$A_PID") on $A_PID, $(in_flight "$A_ADMIN" "$B_PID") on $B_PID"

# kill -9 of A: B sees its heartbeat age grow and, past 2 x the lease (6 s), stale; A's in-flight
# deliveries go to B once their leases end (before A is stale).
kill -KILL "$A_PID"
kill -CONT "$SIM_PID_om"
KILLED=$SECONDS
a_state() { rows "$B_ADMIN" | awk -v p="/$A_PID" 'index($1, p) {print $2, $3}'; }
a_stale() { [[ $(a_state) == stale* ]]; }
kh_wait_until 20 a_stale || kh_fail "instance $A_PID not stale after kill -9: $(rows "$B_ADMIN")"
read -r _ age <<<"$(a_state)"
[ "$age" -ge 6 ] || kh_fail "instance $A_PID stale with a heartbeat $age s old (before 2 x the lease)"
kh_log "killed instance stale on the other after $((SECONDS - KILLED)) s (heartbeat $age s old)"
out=$(rows "$B_ADMIN")
echo "$out" | grep -q "/$B_PID alive " || kh_fail "the surviving instance is not alive: $out"
none_left() { [ "$(in_flight "$B_ADMIN" "$A_PID")" = 0 ]; }
kh_wait_until 5 none_left || kh_fail "in flight on the killed instance not taken over: $(rows "$B_ADMIN")"
kh_assert_eq 1 "$(metric "$B_ADMIN" alive)" "ketenhub_cluster_instances alive after kill -9"
kh_assert_eq 1 "$(metric "$B_ADMIN" stale)" "ketenhub_cluster_instances stale after kill -9"
out=$(status_cli "$B_ADMIN") || kh_fail "ketenhub status failed: $out"
kh_log "status on the survivor:"$'\n'"$(echo "$out" | sed -n '/^INSTANCE/,$p')"
echo "$out" | grep -Eq "/$A_PID  +stale  +[0-9]+ s" || kh_fail "status: the killed instance not stale: $out"
kill -0 "$B_PID" || kh_fail "the surviving instance died"
kh_log "cluster view: $((SECONDS - T0)) s"
kh_pass
