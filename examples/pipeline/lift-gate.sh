#!/usr/bin/env bash
# The release pipeline's gate (release.yml), in one file so that its test runs what the workflow runs.
#
#   lift-gate.sh <experiment> <variant> <promotions> <looks-per-promotion> [--dry-run]
#
# For each of <promotions> windows it looks at Lift's scorecard <looks-per-promotion> times,
# $LOOK_EVERY_SECONDS apart, with `lift-istio promote`, whose gate reads every metric in its own
# direction (fewer server errors is better, more purchases is better):
#   - promote: the gate shows <variant> winning on the primary with every guardrail ok; the window
#     ends with that promotion.
#   - rollback: a sample ratio mismatch or a guardrail harmed for a treatment. The experiment is
#     rolled back (everyone on the control, the experiment paused), the routes follow, exit 1.
#   - hold: no verdict yet; look again.
# A window that ends without a promotion asks `lift-istio promote --force`, which promotes only where
# no harm is shown (guardrails pending, primary not yet winning) and refuses a sample ratio
# mismatch, a harmed guardrail, or a variant losing on its primary or a guardrail; a refusal, or a
# scorecard that cannot be read at that point, rolls back and exits 1 as above.
# After each promotion the routes are applied. With --dry-run nothing moves (dark launch, A/B test):
# the gate only watches, and rolls back on evidence of harm.
#
# Environment: LIFT_URL, LIFT_API_KEY (admin), LOOK_EVERY_SECONDS; lift-istio and kubectl access
# as set up by actions/cluster-tools. The outcome is also written to $GITHUB_STEP_SUMMARY when set.
set -euo pipefail

experiment=${1:?usage: lift-gate.sh <experiment> <variant> <promotions> <looks-per-promotion> [--dry-run]}
variant=${2:?variant missing}
promotions=${3:?promotions missing}
looks=${4:?looks per promotion missing}
dry_run=()
if [ "${5:-}" = --dry-run ]; then dry_run=(--dry-run); fi
: "${LIFT_URL:?}" "${LIFT_API_KEY:?}" "${LOOK_EVERY_SECONDS:?}"

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

summary() {
  echo "$1"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "$1" >>"$GITHUB_STEP_SUMMARY"; fi
}

# The gate's decision as promote printed it on stderr (one JSON line), or nothing when it failed.
decision_in() {
  grep -o '"decision":"[a-z]*"' "$1" | head -n 1 | cut -d '"' -f 4 || true
}

roll_back() {
  cat "$logs/gate.err" >&2
  summary "$experiment: rolled back ($1)"
  lift-istio rollback "$experiment" --from "$LIFT_URL"
  lift-istio apply --from "$LIFT_URL" --prune
  exit 1
}

for window in $(seq 1 "$promotions"); do
  outcome=''
  for look in $(seq 1 "$looks"); do
    sleep "$LOOK_EVERY_SECONDS"
    if lift-istio promote "$experiment" --from "$LIFT_URL" "${dry_run[@]}" >"$logs/gate.out" 2>"$logs/gate.err"; then
      outcome="winning with every guardrail ok (look $look)"
      break
    fi
    case "$(decision_in "$logs/gate.err")" in
      rollback) roll_back 'the gate found harm' ;;
      hold) ;;
      *) echo "look $look: could not read the scorecard: $(cat "$logs/gate.err")" >&2 ;;
    esac
  done
  if [ -z "$outcome" ]; then
    if ! lift-istio promote "$experiment" --from "$LIFT_URL" --force --variant "$variant" "${dry_run[@]}" \
      >"$logs/gate.out" 2>"$logs/gate.err"; then
      roll_back 'no promotion without harm shown was possible'
    fi
    outcome="no harm shown in $looks looks"
  fi
  cat "$logs/gate.out"
  if [ ${#dry_run[@]} -eq 0 ]; then
    summary "$experiment: promotion $window of $promotions: $outcome"
    lift-istio apply --from "$LIFT_URL"
  else
    summary "$experiment: $outcome"
  fi
done
