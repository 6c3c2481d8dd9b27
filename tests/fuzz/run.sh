#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-16, ASan + UBSan, tests/fuzz/fuzz.cmake) in their own build
# dir, replays every seed and saved regression input (tests/fuzz/corpus/<harness>/, -runs=0: the
# deterministic part), then fuzzes each harness for the given time, FUZZ_JOBS at once. New crashes,
# leaks, timeouts and broken invariants are saved under tests/fuzz/crashes/<harness>/ and printed
# with the command that reproduces them; exits 1 on any.
#
# Usage: tests/fuzz/run.sh [SECONDS per harness, default 60] [HARNESS ...]   (default: all)
#   tests/fuzz/run.sh 10                   smoke run (CI-sized; tests/run.sh runs it)
#   tests/fuzz/run.sh 0                    replay the seeds and regression inputs only
#   tests/fuzz/run.sh 600 intake           ten minutes of one harness
# Env: FUZZ_BUILD_DIR (build-fuzz), FUZZ_JOBS (harnesses in parallel, default nproc),
#      FUZZ_CXX (clang++-16), FUZZ_INSTALL_DEPS=0 to skip deploy/install-deps.sh.
# Reproduce a crash: build-fuzz/fuzz_<harness> tests/fuzz/crashes/<harness>/<file>
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
secs="${1:-60}"
shift || true
[[ "$secs" =~ ^[0-9]+$ ]] || { echo "usage: $0 [seconds] [harness ...]" >&2; exit 2; }

all=(json_to_xml xml_schema intake wus_response config_loader admin_route)
declare -A max_len=([json_to_xml]=16384 [xml_schema]=16384 [intake]=16384
  [wus_response]=8192 [config_loader]=16384 [admin_route]=4096)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
for h in "${harnesses[@]}"; do
  [ -n "${max_len[$h]:-}" ] || { echo "unknown harness '$h'; known: ${all[*]}" >&2; exit 2; }
done

build="${FUZZ_BUILD_DIR:-build-fuzz}"
cxx="${FUZZ_CXX:-clang++-16}"
jobs="${FUZZ_JOBS:-$(nproc)}"
started=$(date +%s)

if [ "${FUZZ_INSTALL_DEPS:-1}" != 0 ]; then bash deploy/install-deps.sh; fi
command -v "$cxx" >/dev/null || { echo "$cxx not found: apt-get install clang-16 libfuzzer-16-dev libclang-rt-16-dev" >&2; exit 2; }
if [ ! -f "$build/CMakeCache.txt" ]; then
  # -O1 and line tables only (enough for sanitizer stack traces): the build is the bulk of a smoke
  # run, and these compile about 20 % faster than -O2 -g.
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DKETENHUB_FUZZ=ON -DKETENHUB_JEMALLOC=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${harnesses[@]}")
built=$(date +%s)

mkdir -p "$build/logs" tests/fuzz/crashes
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# One harness. First the replay: every seed and regression input in tests/fuzz/corpus/<h> runs once,
# in full (no -max_len), fuzzing nothing. Then, for SECONDS > 0, fuzzing from the seeds plus a
# working corpus in the build dir that keeps what earlier runs found, with tests/fuzz/dict/<h>.dict.
run_one() {
  local h=$1
  local work="$build/corpus/$h" crashes="tests/fuzz/crashes/$h"
  mkdir -p "$work" "$crashes"
  rm -f "$build/logs/$h.rc" "$build/logs/$h.log"
  "$build/fuzz_$h" -runs=0 -timeout=25 -rss_limit_mb=2560 -artifact_prefix="$crashes/" \
    "tests/fuzz/corpus/$h" >"$build/logs/$h.replay.log" 2>&1 || return
  [ "$secs" -gt 0 ] || { cp "$build/logs/$h.replay.log" "$build/logs/$h.log"; return 0; }
  local dict=()
  [ -f "tests/fuzz/dict/$h.dict" ] && dict=(-dict="tests/fuzz/dict/$h.dict")
  "$build/fuzz_$h" -max_total_time="$secs" -max_len="${max_len[$h]}" -timeout=25 \
    -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
    "$work" "tests/fuzz/corpus/$h" >"$build/logs/$h.log" 2>&1
}

marker="$build/logs/.started"
touch "$marker"
for h in "${harnesses[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  (run_one "$h" && rc=0 || rc=$?; echo "$rc" >"$build/logs/$h.rc") &
done
wait
failed=()
for h in "${harnesses[@]}"; do
  [ "$(cat "$build/logs/$h.rc")" = 0 ] || failed+=("$h")
done

printf '%-14s %10s %8s %8s %9s %s\n' harness execs exec/s cov ft corpus
for h in "${harnesses[@]}"; do
  log="$build/logs/$h.log"
  [ -f "$log" ] || log="$build/logs/$h.replay.log"  # the replay failed
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  printf '%-14s %10s %8s %8s %9s %s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
    "$(find "$build/corpus/$h" -type f | wc -l) files"
done

new=$(find tests/fuzz/crashes -type f -newer "$marker" | sort)
status=0
if [ ${#failed[@]} -gt 0 ] || [ -n "$new" ]; then
  status=1
  for h in "${failed[@]}"; do
    log="$build/logs/$h.log"
    [ -f "$log" ] || log="$build/logs/$h.replay.log"  # the replay failed
    echo "=== $h failed; from $log:"
    grep -E 'ERROR:|SUMMARY:|FUZZ INVARIANT|runtime error|Test unit written|deadly signal' \
      "$log" | head -20 || tail -30 "$log"
  done
  for f in $new; do
    h=$(basename "$(dirname "$f")")
    echo "=== new artifact: $f ($(wc -c <"$f") bytes); reproduce: $build/fuzz_$h $f"
    seed=$(find "tests/fuzz/corpus/$h" -type f -exec cmp -s "$f" {} \; -print 2>/dev/null | head -1)
    [ -z "$seed" ] || echo "    (the replay of $seed)"
    head -c 512 "$f" | od -c | head -20
  done
fi
echo "fuzz: ${#harnesses[@]} harnesses x ${secs}s; build $((built - started))s," \
  "total $(($(date +%s) - started))s; $([ $status = 0 ] && echo "no crash" || echo "FAILED")"
exit $status
