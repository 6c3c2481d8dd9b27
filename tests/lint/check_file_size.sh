#!/usr/bin/env bash
# Small files with one job: no C++ source over 500 lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
big=$( (git ls-files '*.cc' '*.h' 2>/dev/null) | xargs wc -l | awk '$2 != "total" && $1 > 500 {print $2 " (" $1 " lines)"}')
if [ -n "$big" ]; then
  echo "over 500 lines:"; echo "$big"; exit 1
fi
echo "file size: ok"
