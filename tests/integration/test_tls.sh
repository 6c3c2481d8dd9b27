#!/usr/bin/env bash
# Per-partner TLS: SPKI pins, expected OIN and the NCSC profiles, against partner-sim over real
# mutual TLS. A refusal is transient (the operator can fix the configuration without losing the
# message): the delivery stays retry_wait with the reason, and nothing reaches the partner.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kh_pki
right_pin=$(openssl x509 -in "$WORK/pki/partner-om.crt" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)
wrong_pin=$(openssl x509 -in "$WORK/pki/partner-igj.crt" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)

n=0
run_case() {  # name "sim args" "extra tls yaml" expect reason-substring [hub tls profile]
  local name=$1 sim_args=$2 extra=$3 expect=$4 reason=$5
  TLS_PROFILE=${6:-ncsc-sufficient}
  n=$((n + 1))
  rm -f "$WORK/ketenhub.db"*
    # shellcheck disable=SC2086
  kh_start_sim "$name" om $sim_args
  local port_var="SIM_PORT_$name" pid_var="SIM_PID_$name"
  kh_config "${!port_var}" "$extra"
  kh_start_hub
  kh_send 1 >>"$WORK/send.log" 2>&1 || kh_fail "$name: send"
  if [ "$expect" = delivered ]; then
    ok() { [ "$(kh_sql "SELECT state FROM deliveries")" = delivered ]; }
    kh_wait_until 30 ok || kh_fail "$name: not delivered: $(kh_sql "SELECT state, reason FROM deliveries")"
  else
    refused() { [ "$(kh_sql "SELECT COUNT(*) FROM attempts")" -ge 1 ]; }
    kh_wait_until 30 refused || kh_fail "$name: no attempt recorded"
    local got
    got=$(kh_sql "SELECT reason FROM attempts ORDER BY attempt LIMIT 1")
    [[ "$got" == *"$reason"* ]] || kh_fail "$name: reason '$got' lacks '$reason'"
    kh_assert_eq "transient_error" "$(kh_sql "SELECT outcome FROM attempts ORDER BY attempt LIMIT 1")" "$name: outcome"
    kh_assert_eq "0" "$(kh_sim_lines "$name")" "$name: products received by the partner"
    kh_log "$name: refused: $got"
  fi
  kh_stop_pid "$HUB_PID"
  kh_stop_pid "${!pid_var}"
}

run_case right_pin "" "      pins: [\"$right_pin\"]" delivered ""
run_case wrong_pin "" "      pins: [\"$wrong_pin\"]" refused "pin"
run_case right_oin "" "      expected_oin: \"00000099000000000011\"" delivered ""
run_case wrong_oin "" "      expected_oin: \"00000099000000000099\"" refused "00000099000000000099"
run_case cbc_only "--tls-profile legacy-cbc" "" refused "tls"
run_case tls11_only "--tls-profile tls11-only" "" refused "tls"
run_case good_vs_tls12 "--tls-profile tls12-only" "" refused "tls" ncsc-good
run_case good_vs_good "--tls-profile ncsc-good" "" delivered "" ncsc-good
kh_pass
