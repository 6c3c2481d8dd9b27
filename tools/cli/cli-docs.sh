#!/usr/bin/env bash
# Prints docs/cli.md: every command's --help, as the binary BIN prints it.
# Usage: bash tools/cli/cli-docs.sh build/ketenhub > docs/cli.md
# tests/integration/test_cli.sh fails when docs/cli.md or the README's command list differ.
set -euo pipefail
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
fence='```'
cat <<HEAD
# Command line

Every command's \`--help\`, as \`ketenhub\` prints it (generated: \`bash tools/cli/cli-docs.sh
build/ketenhub > docs/cli.md\`; the integration test \`test_cli\` checks that they match). The
man page \`build/ketenhub.1\` holds the same text; \`deploy/completion/ketenhub.bash\` completes
the commands and options in bash.
HEAD
while IFS= read -r path; do
  printf '\n## ketenhub%s\n\n%s\n' "${path:+ $path}" "$fence"
  # shellcheck disable=SC2086
  "$BIN" $path --help
  printf '%s\n' "$fence"
done < <(bash "$here/command-paths.sh" "$BIN")
