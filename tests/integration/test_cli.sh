#!/usr/bin/env bash
# The command line: --help on every command (exit 0, a usage line) with the same text as
# docs/cli.md and the README's command list; --version and `version` print the version and the
# commit; an unknown option, a missing required option or value and a bad value are usage
# errors (exit 2, one line naming the problem and the command's --help); the man page exists
# and renders; the bash completion loads, completes, and is what tools/cli/completion.sh prints.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# run NAME CMD...: ketenhub's stdout to $WORK/NAME.out, stderr to .err; echoes the exit code.
run() {
  local name=$1
  shift
  local rc=0
  "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  echo $rc
}
show() { echo "--- stdout"; cat "$WORK/$1.out"; echo "--- stderr"; cat "$WORK/$1.err"; }

# ---- --help on every command (the list is read from the commands: sections of --help)
mapfile -t paths < <(bash "$SRC/tools/cli/command-paths.sh" "$BIN")
[ "${#paths[@]}" -ge 20 ] || kh_fail "only ${#paths[@]} command paths: ${paths[*]}"
for want in "" run "config check" "route test" verify send partner-sim status "dlq list" \
  "dlq show" "dlq replay" "quarantine list" "quarantine show" "quarantine replay" \
  "audit verify" "audit export" version; do
  grep -qxF -- "$want" <<<"$(printf '%s\n' "${paths[@]}")" || kh_fail "no command '$want' in --help"
done
for p in "${paths[@]}"; do
  # shellcheck disable=SC2086
  kh_assert_eq 0 "$(run help $p --help)" "ketenhub $p --help"
  grep -q "^usage: ketenhub${p:+ $p}" "$WORK/help.out" || kh_fail "ketenhub $p --help: $(show help)"
  [ -s "$WORK/help.err" ] && kh_fail "ketenhub $p --help wrote to stderr: $(show help)"
  too_long=$(awk 'length > 100' "$WORK/help.out")
  [ -z "$too_long" ] || kh_fail "ketenhub $p --help has lines over 100 columns: $too_long"
done
kh_assert_eq 0 "$(run h help dlq)" "ketenhub help dlq"
grep -q "^usage: ketenhub dlq" "$WORK/h.out" || kh_fail "help dlq: $(show h)"
kh_assert_eq 0 "$(run h -h)" "ketenhub -h"
kh_assert_eq 2 "$(run none)" "ketenhub without a command"
grep -q "^usage: ketenhub" "$WORK/none.err" || kh_fail "no command: $(show none)"

# ---- the docs say what --help says
bash "$SRC/tools/cli/cli-docs.sh" "$BIN" >"$WORK/cli.md"
diff -u "$SRC/docs/cli.md" "$WORK/cli.md" >"$WORK/docs.diff" ||
  kh_fail "docs/cli.md differs from --help (regenerate: bash tools/cli/cli-docs.sh BIN > docs/cli.md): $(cat "$WORK/docs.diff")"
# The README's "## Commands" block is `ketenhub --help`.
awk '/^## Commands$/ {on = 1; next} on && /^```/ {if (in_block) exit; in_block = 1; next}
     in_block {print}' "$SRC/README.md" >"$WORK/readme.txt"
"$BIN" --help >"$WORK/top.txt"
diff -u "$WORK/readme.txt" "$WORK/top.txt" >"$WORK/readme.diff" ||
  kh_fail "the README's command list differs from ketenhub --help: $(cat "$WORK/readme.diff")"

# ---- version
kh_assert_eq 0 "$(run v --version)" "--version"
version=$(sed -n 's/^project(ketenhub VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
commit=$(git -C "$SRC" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
grep -qx "ketenhub $version (commit [0-9a-f]\{12\})\|ketenhub $version (commit unknown)" \
  "$WORK/v.out" || kh_fail "--version: $(show v)"
grep -q "commit $commit" "$WORK/v.out" || kh_log "note: built from another commit than $commit: $(cat "$WORK/v.out")"
kh_assert_eq 0 "$(run v2 version)" "ketenhub version"
cmp -s "$WORK/v.out" "$WORK/v2.out" || kh_fail "version and --version differ: $(show v2)"

# ---- usage errors: exit 2, one line on stderr that names the problem and the command's --help
usage_error() {  # usage_error EXPECTED_TEXT ARGS...
  local want=$1
  shift
  kh_assert_eq 2 "$(run u "$@")" "ketenhub $*"
  kh_assert_eq 1 "$(wc -l <"$WORK/u.err")" "lines on stderr for ketenhub $*"
  grep -qF -- "$want" "$WORK/u.err" || kh_fail "ketenhub $*: expected '$want': $(show u)"
  [ -s "$WORK/u.out" ] && kh_fail "ketenhub $* wrote to stdout: $(show u)"
  return 0
}
usage_error "--bogus" run --config hub.yaml --bogus
usage_error "(see ketenhub run --help)" run --config hub.yaml --bogus
usage_error "--config is required" run
usage_error "--config is required" config check
usage_error "--ca is required" verify product.xml
usage_error "FILE is required" verify --ca ca.pem
usage_error "--config" route test EVENT.json --config
usage_error "--help" send --help-me
usage_error "--url is required" send e.json --address q --event-type t --case-id z --actor a
usage_error "--actor" send e.json --url amqp://h:1 --address q --event-type t --case-id z
usage_error "--count" send e.json --url amqp://h:1 --address q --event-type t --case-id z --actor a --count 0
usage_error "--omit" send e.json --url amqp://h:1 --address q --omit bogus --case-id z --actor a
usage_error "--cert is required" partner-sim --listen 127.0.0.1:0
usage_error "--listen" partner-sim --listen nonsense --cert c --key k --ca ca
usage_error "ID or --all" dlq replay
usage_error "--all" dlq replay --partner om
usage_error "--token is not accepted" status --token secret-value
grep -q secret-value "$WORK/u.err" && kh_fail "a refused token was echoed"
usage_error "--case is required" audit export --dir /nonexistent
usage_error "--config hub.yaml or --dir DIR is required" audit verify
usage_error "bogus" audit bogus
usage_error "bogus" bogus

# The options still parse (the commands then fail for want of a file or a broker: exit 1).
kh_assert_eq 1 "$(run f verify "$WORK/none.xml" --ca "$WORK/none.pem")" "verify of a missing file"
kh_assert_eq 1 "$(run f config check --config="$WORK/none.yaml")" "config check --config=FILE"
kh_assert_eq 1 "$(run f config check --config x.yaml --config "$WORK/none.yaml")" "--config twice"
grep -q "none.yaml" "$WORK/f.err" || kh_fail "a repeated option: the last value counts: $(show f)"
kh_assert_eq 1 "$(run f send "$WORK/none.json" --url amqp://127.0.0.1:1 --address q --omit actor \
  --omit case-id --event-type t --count 2 --window 1 --rate 10)" "send with --omit twice"
kh_assert_eq 0 "$(run f audit verify --dir "$WORK/none" --json)" "audit verify --dir --json"
grep -q '"intact":true' "$WORK/f.out" || kh_fail "audit verify --json of an empty trail: $(show f)"

# ---- the man page
if command -v help2man >/dev/null; then
  MAN="$(dirname "$BIN")/ketenhub.1"
  [ -s "$MAN" ] || kh_fail "no man page $MAN after the build"
  grep -q '^\.SS "ketenhub dlq replay"' "$MAN" || kh_fail "the man page has no dlq replay section"
  if command -v man >/dev/null; then
    MANWIDTH=100 MANPAGER=cat man -l "$MAN" 2>"$WORK/man.err" </dev/null >"$WORK/man.raw"
  else
    groff -man -Tutf8 -P-cbou "$MAN" 2>"$WORK/man.err" >"$WORK/man.raw"
  fi
  sed $'s/.\b//g' "$WORK/man.raw" >"$WORK/man.txt"  # no overstrikes (bold, underline)
  grep -q "ketenhub audit export" "$WORK/man.txt" || kh_fail "man page: $(head -40 "$WORK/man.txt")"
  grep -q "SYNOPSIS\|USAGE" "$WORK/man.txt" || kh_fail "man page: no synopsis: $(head "$WORK/man.txt")"
else
  kh_log "help2man not installed: no man page to check"
fi

# ---- bash completion
COMPLETION="$SRC/deploy/completion/ketenhub.bash"
bash "$SRC/tools/cli/completion.sh" "$BIN" >"$WORK/completion.bash"
diff -u "$COMPLETION" "$WORK/completion.bash" >"$WORK/completion.diff" ||
  kh_fail "deploy/completion/ketenhub.bash differs from the parser (regenerate: bash tools/cli/completion.sh BIN > deploy/completion/ketenhub.bash): $(cat "$WORK/completion.diff")"
bash -c "source '$COMPLETION' && complete -p ketenhub" >"$WORK/complete.out" 2>&1 ||
  kh_fail "the completion does not load: $(cat "$WORK/complete.out")"
grep -q "_ketenhub ketenhub" "$WORK/complete.out" || kh_fail "complete -p: $(cat "$WORK/complete.out")"
complete_words() {  # complete_words WORD...: what completing the last word offers
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ketenhub
           printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}
offers() {  # offers EXPECTED WORD...: completing the last word offers EXPECTED
  local want=$1 out
  shift
  out=$(complete_words "$@")
  grep -qx -- "$want" <<<"$out"
}
offers partner-sim ketenhub "" || kh_fail "no partner-sim among the commands"
offers replay ketenhub dlq re || kh_fail "dlq re<TAB>: no replay"
offers --rate ketenhub dlq replay --r || kh_fail "dlq replay --r<TAB>"
offers --omit ketenhub send x.json --om || kh_fail "send --om<TAB>"
offers actor ketenhub send x.json --omit a || kh_fail "send --omit a<TAB>"
# Every option of every command's --help is completed for that command.
for p in "${paths[@]}"; do
  # shellcheck disable=SC2086
  for opt in $("$BIN" $p --help | awk '/^options:$/ {on = 1; next} on && /^$/ {exit}
                                        on && /^  [^ ]/ {print $1}' | tr ',' ' '); do
    # shellcheck disable=SC2086
    offers "$opt" ketenhub $p "${opt:0:3}" ||
      kh_fail "completion of 'ketenhub $p ${opt:0:3}' lacks $opt"
  done
done
echo "test_cli: ok (${#paths[@]} commands)"
