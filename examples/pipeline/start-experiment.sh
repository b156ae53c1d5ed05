#!/usr/bin/env bash
# Creates and starts the experiments of an experiments file (examples/kubernetes/experiments/*.json)
# on the Lift server at $LIFT_URL, with the admin key in $LIFT_API_KEY. Fields the server owns
# (status, version) are dropped from the definition; an experiment that already exists is left as is.
set -euo pipefail
file=${1:?usage: start-experiment.sh <experiments.json>}
: "${LIFT_URL:?}" "${LIFT_API_KEY:?}"
jq -c '.experiments[] | del(.status, .version)' "$file" | while read -r experiment; do
  key=$(jq -r .key <<<"$experiment")
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$LIFT_URL/v1/experiments" \
    -H "Authorization: Bearer $LIFT_API_KEY" -H 'Content-Type: application/json' -d "$experiment")
  case "$status" in
    201) echo "created $key" ;;
    409) echo "$key exists already" ;;
    *) echo "creating $key failed with HTTP $status" >&2; exit 1 ;;
  esac
  curl -fsS -o /dev/null -X POST "$LIFT_URL/v1/experiments/$key/start" -H "Authorization: Bearer $LIFT_API_KEY" || echo "$key: not started (already running?)"
done
