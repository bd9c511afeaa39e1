#!/usr/bin/env bash
# The README's test command (`npx projen test`): every proof on Prometheus 3.5 LTS (the primary engine), then
# the same proofs on Debian stable's Prometheus 2.x, then eslint (which checks and never rewrites).
#
# Each engine runs three jest passes (test:unit, test:long, e2e), each writing its JUnit report into the
# engine's folder (test-reports/prometheus3, test-reports/prometheus2). The end-to-end proofs mostly wait on
# Prometheus and Alertmanager, and their deadlines scale with the machine's load, so they run one after the
# other beside the CPU-bound passes of Prometheus 2.x instead of alone:
#   3.5 unit -> 3.5 long -> 2.x unit -> 2.x long -> eslint
#                        \-> 3.5 e2e -> 2.x e2e -/
# Every pass runs whatever failed before it; the command fails, naming each failed pass, if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

pass() { # engine task
  local engine=$1 task=$2
  local env=(JEST_JUNIT_OUTPUT_DIR="test-reports/prometheus$engine")
  if [ "$engine" = 2 ]; then env+=(ML_MONITORING_PROMETHEUS=2); fi
  local start=$SECONDS
  if env "${env[@]}" npx projen "$task"; then
    echo "$task on Prometheus $engine: passed in $((SECONDS - start)) s" >> "$log"
  else
    echo "$task on Prometheus $engine: FAILED after $((SECONDS - start)) s" >> "$log"
  fi
}

pass 3 test:unit
pass 3 test:long
(pass 3 e2e; pass 2 e2e) & e2e=$!
pass 2 test:unit
pass 2 test:long
wait "$e2e"
if npx projen eslint; then echo "eslint: passed" >> "$log"; else echo "eslint: FAILED" >> "$log"; fi

echo
cat "$log"
! grep -q FAILED "$log"
