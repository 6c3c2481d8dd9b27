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
