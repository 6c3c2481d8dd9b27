#!/usr/bin/env bash
# Runs every test of ketenhub: installs what is missing (apt), builds, runs the unit and
# integration tests with ctest, then the fuzz smoke (tests/fuzz/run.sh: the libFuzzer harnesses
# built with clang + ASan/UBSan in build-fuzz/, every seed and regression input replayed, each
# harness fuzzed for FUZZ_SMOKE_SECONDS, default 10).
# Usage: bash tests/run.sh [extra ctest args, e.g. -R unit_]
# With extra ctest args the fuzz smoke is skipped unless FUZZ_SMOKE=1; FUZZ_SMOKE=0 always skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKETENHUB_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
# Unit tests in parallel; integration tests are marked RUN_SERIAL (they start servers).
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" --timeout 900 "$@"
if [ "${FUZZ_SMOKE:-$([ $# -eq 0 ] && echo 1 || echo 0)}" != 0 ]; then
  FUZZ_INSTALL_DEPS=0 bash tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-10}"
fi
