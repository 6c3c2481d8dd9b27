#!/usr/bin/env bash
# Prints deploy/completion/ketenhub.bash: bash completion of ketenhub's commands and options,
# read from every command's --help of the binary BIN.
# Usage: bash tools/cli/completion.sh build/ketenhub > deploy/completion/ketenhub.bash
# tests/integration/test_cli.sh fails when the file differs from what this prints.
set -euo pipefail
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
paths=()
while IFS= read -r p; do paths+=("$p"); done < <(bash "$here/command-paths.sh" "$BIN")

# section NAME PATH: the first words of the lines in --help's section NAME ("commands:", ...).
section() {
  # shellcheck disable=SC2086
  "$BIN" $2 --help | awk -v s="$1:" '$0 == s {on = 1; next} on && /^$/ {exit}
                                     on && /^  [^ ]/ {print $1}'
}

cat <<'HEAD'
# bash completion for ketenhub: commands, subcommands and options.
# Generated from `ketenhub COMMAND --help` by tools/cli/completion.sh; do not edit.
# Installed as /usr/share/bash-completion/completions/ketenhub; or: source this file.

_ketenhub_table() {
  # _ketenhub_table PATH: sets subs (the commands under PATH) and opts (its options).
  subs="" opts=""
  case "$1" in
HEAD
for p in "${paths[@]}"; do
  subs=$(section commands "$p" | tr '\n' ' ' | sed 's/ $//')
  opts=$(section options "$p" | tr ',' '\n' | grep -E '^--?[a-z]' | tr '\n' ' ' | sed 's/ $//')
  printf '    "%s") subs="%s" opts="%s" ;;\n' "$p" "$subs" "$opts"
  done
cat <<'TAIL'
    *) return 1 ;;
  esac
}

_ketenhub() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local path="" word subs opts i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    [[ $word == -* ]] && continue
    if _ketenhub_table "$path" && [[ " $subs " == *" $word "* ]]; then
      path=${path:+$path }$word
    fi
  done
  _ketenhub_table "$path" || return 0
  COMPREPLY=()
  if [[ $prev == --* && $prev != --help && " $opts " == *" $prev "* ]]; then
    # a value option: its value is a file, a URL or a word; offer files
    case $prev in
      --url | --admin | --address | --event-type | --case-id | --case | --actor | --partner | \
        --product | --message-id | --correlation-id | --limit | --cursor | --rate | --count | \
        --window | --status | --delay-ms | --fail-first | --fail-case | --fail-rate | \
        --listen | --actions | --response-actions | --sent-at | --content-type | --user) return 0 ;;
      --omit) mapfile -t COMPREPLY < <(compgen -W "event-type case-id actor" -- "$cur") ;;
      --adapter) mapfile -t COMPREPLY < <(compgen -W "rest-xml digikoppeling-wus" -- "$cur") ;;
      --soap-fault) mapfile -t COMPREPLY < <(compgen -W "client server" -- "$cur") ;;
      --tls-profile)
        mapfile -t COMPREPLY < <(compgen -W "ncsc-sufficient ncsc-good" -- "$cur") ;;
      *) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    esac
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  elif [[ -n $subs ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
  return 0
}
complete -o filenames -F _ketenhub ketenhub
TAIL
