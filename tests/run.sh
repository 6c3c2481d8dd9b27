#!/usr/bin/env bash
# Runs every test of ketenhub: installs what is missing (apt), builds, and runs the unit and
# integration tests with ctest. Usage: bash tests/run.sh [extra ctest args, e.g. -R unit_]
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKETENHUB_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
# Unit tests in parallel; integration tests are marked RUN_SERIAL (they start servers).
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" --timeout 900 "$@"
