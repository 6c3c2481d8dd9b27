# Shared by the benchmarks that run the hub (bench/run.sh, bench/backlog.sh); sourced, not run.
# bench_workdir NAME: a private work dir in W, PIDS for the processes a benchmark starts; on exit
# they are stopped and W is removed.
bench_workdir() {
  W="$(mktemp -d "/tmp/ketenhub-$1.XXXXXX")"
  PIDS=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$W"
}
# A free TCP port on 127.0.0.1.
port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# CPU seconds (user + system) a process has used so far; its name may hold spaces, so the
# fields are counted from the state on.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"; }
# CPU seconds of the whole PostgreSQL cluster in PG_DIR: the postmaster and its children
# (backends, checkpointer, WAL writer, ...), with what exited children used (the postmaster
# reaps them).
pg_cpu_s() {
  local pm
  pm=$(head -n1 "$PG_DIR/data/postmaster.pid")
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$pm" -v hz="$(getconf CLK_TCK)" '
    { pid = $1; sub(/^.*\) /, "") }
    pid == pm || $2 == pm { t += $12 + $13 + $14 + $15 }
    END { printf "%.2f", t / hz }'
}
