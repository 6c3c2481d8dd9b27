#!/usr/bin/env bash
# Writes the man page OUT for the ketenhub binary BIN with help2man: NAME, SYNOPSIS and OPTIONS
# from `ketenhub --help` and `--version`, and a COMMANDS section with every command's --help.
# Usage: man-page.sh BIN HELP2MAN OUT (run by the build: the ketenhub_man target).
set -euo pipefail
BIN=$1 HELP2MAN=$2 OUT=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc=$tmp/include
# help2man reads `Usage:` and a blank line for the SYNOPSIS: a wrapper named ketenhub adds them.
mkdir "$tmp/bin"
printf '#!/usr/bin/env bash\n"%s" "$@" | sed -e "1s/^usage:/Usage:/" -e 1G\n' "$BIN" >"$tmp/bin/ketenhub"
chmod +x "$tmp/bin/ketenhub"
{
  echo "[COMMANDS]"
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    echo ".SS \"ketenhub $path\""
    echo ".nf"
    # shellcheck disable=SC2086
    "$BIN" $path --help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
    echo ".fi"
  done < <(bash "$here/command-paths.sh" "$BIN")
  printf '[SEE ALSO]\nThe README and docs/ of the ketenhub source; docs/cli.md has every command'"'"'s --help.\n'
} >"$inc"
"$HELP2MAN" --no-info --no-discard-stderr --section 1 \
  --name "integration hub for the compulsory mental health care chain" \
  --include "$inc" --output "$OUT.tmp" "$tmp/bin/ketenhub"
mv "$OUT.tmp" "$OUT"
