#!/usr/bin/env bash
# Every C++ source is clang-formatted (Google base, 100 columns: .clang-format).
set -euo pipefail
cd "$(dirname "$0")/../.."
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find hub adapters tests bench -name '*.cc' -o -name '*.h')
if ! out=$(echo "$files" | xargs clang-format --dry-run -Werror 2>&1); then
  echo "$out" | grep -E '^[^ ].*(warning|error)' | cut -d: -f1 | sort -u | sed 's/^/needs clang-format: /'
  exit 1
fi
echo "format: $(echo "$files" | wc -l) files clean"
