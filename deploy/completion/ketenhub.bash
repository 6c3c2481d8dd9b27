# bash completion for ketenhub: commands, subcommands and options.
# Generated from `ketenhub COMMAND --help` by tools/cli/completion.sh; do not edit.
# Installed as /usr/share/bash-completion/completions/ketenhub; or: source this file.

_ketenhub_table() {
  # _ketenhub_table PATH: sets subs (the commands under PATH) and opts (its options).
  subs="" opts=""
  case "$1" in
    "") subs="run config route verify send partner-sim status dlq quarantine audit version" opts="-h --help --version" ;;
    "run") subs="" opts="-h --help --config --log-level" ;;
    "config") subs="check" opts="-h --help" ;;
    "config check") subs="" opts="-h --help --config" ;;
    "route") subs="test" opts="-h --help" ;;
    "route test") subs="" opts="-h --help --config --event-type --partner --out --message-id --case-id --actor --content-type --sent-at" ;;
    "verify") subs="" opts="-h --help --ca" ;;
    "send") subs="" opts="-h --help --url --address --event-type --case-id --actor --message-id --no-message-id --correlation-id --content-type --omit --count --window --rate --password-file --user --ca --cert --key" ;;
    "partner-sim") subs="" opts="-h --help --listen --cert --key --ca --partner --adapter --verify-ca --schemas --out --status --fail-first --fail-case --fail-rate --delay-ms --soap-fault --actions --response-actions --tls-profile --port-file --no-verify-signature --bad-relates-to --bad-action --quiet" ;;
    "status") subs="" opts="-h --help --admin --token-file --ca" ;;
    "dlq") subs="list show replay" opts="-h --help" ;;
    "dlq list") subs="" opts="-h --help --admin --token-file --ca --partner --product --event-type --case --limit --cursor" ;;
    "dlq show") subs="" opts="-h --help --admin --token-file --ca" ;;
    "dlq replay") subs="" opts="-h --help --admin --token-file --ca --all --partner --product --event-type --case --rate" ;;
    "quarantine") subs="list show replay" opts="-h --help" ;;
    "quarantine list") subs="" opts="-h --help --admin --token-file --ca --event-type --case --limit --cursor" ;;
    "quarantine show") subs="" opts="-h --help --admin --token-file --ca" ;;
    "quarantine replay") subs="" opts="-h --help --admin --token-file --ca" ;;
    "audit") subs="verify export" opts="-h --help" ;;
    "audit verify") subs="" opts="-h --help --config --dir --json" ;;
    "audit export") subs="" opts="-h --help --config --dir --case --out" ;;
    "version") subs="" opts="-h --help" ;;
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
