#!/usr/bin/env bash
# Prints every command path of the ketenhub binary BIN, one a line ("" first for ketenhub itself,
# then "run", "config", "config check", ...), read from the "commands:" sections of --help.
set -euo pipefail
BIN=$1
walk() {
  printf '%s\n' "$*"
  local sub
  # shellcheck disable=SC2068
  for sub in $("$BIN" $@ --help | awk '/^commands:$/ {on = 1; next} on && /^$/ {exit}
                                        on && /^  [a-z]/ {print $1}'); do
    walk "$@" "$sub"
  done
}
walk
