import type { ExperimentResults, VariantResults } from './lift-api-client.js';

/** What the statistics say to do with a rollout, with the figures that drove it. */
export type GateDecision =
  | { readonly action: 'promote'; readonly variant: string; readonly reason: string; readonly figures: Figures }
  | { readonly action: 'rollback'; readonly reason: string; readonly figures: Figures }
  | { readonly action: 'hold'; readonly reason: string; readonly figures: Figures };

export type Figures = { readonly [name: string]: string | number | boolean | null };

export interface GateOptions {
  /** The sequential p-value must fall below this for a promotion (and for a rollback on the primary). */
  readonly alpha?: number;
}

const DEFAULT_ALPHA = 0.05;

function treatmentsOf(results: ExperimentResults): readonly VariantResults[] {
  return results.variants.slice(1);
}

function variantFigures(results: ExperimentResults, variant: VariantResults): Figures {
  return {
    metric: results.metric,
    variant: variant.key,
    units: variant.units,
    conversions: variant.conversions,
    rate: variant.rate,
    controlRate: results.variants[0]?.rate ?? null,
    liftRel: variant.liftRel?.estimate ?? null,
    pValueSequential: variant.pValueSequential ?? null,
    chanceToBeatControl: variant.chanceToBeatControl ?? null,
    verdict: variant.verdict ?? null,
  };
}

/**
 * The rollout gate, over Lift's results: an SRM failure or a losing guardrail rolls back
 * (so does a primary metric that is losing on the sequential p-value); a `winning` verdict whose
 * sequential p-value is below alpha promotes the treatment with the highest chance to beat the
 * control; anything else holds. Pure: the caller fetches results and acts.
 *
 * @example
 * const decision = decideGate(await client.results('checkout'), [await client.results('checkout', 'errors')]);
 */
export function decideGate(
  primary: ExperimentResults,
  guardrails: readonly ExperimentResults[],
  options: GateOptions = {},
): GateDecision {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  for (const results of [primary, ...guardrails]) {
    const isSrmFailed = !results.srm.ok || results.variants.some((variant) => variant.verdict === 'srm-failed');
    if (isSrmFailed) {
      return {
        action: 'rollback',
        reason: `sample ratio mismatch on ${results.metric}: the split is not the configured one, so no figure can be trusted`,
        figures: {
          metric: results.metric,
          srmChiSquare: results.srm.chiSquare,
          srmPValue: results.srm.pValue,
          srmOk: results.srm.ok,
        },
      };
    }
  }
  for (const results of guardrails) {
    const losing = treatmentsOf(results).find((variant) => variant.verdict === 'losing');
    if (losing !== undefined) {
      return {
        action: 'rollback',
        reason: `guardrail ${results.metric} is losing for ${losing.key}`,
        figures: variantFigures(results, losing),
      };
    }
  }
  const treatments = treatmentsOf(primary);
  const losingPrimary = treatments.filter(
    (variant) => variant.verdict === 'losing' && (variant.pValueSequential ?? 1) < alpha,
  );
  if (losingPrimary.length > 0 && losingPrimary.length === treatments.length) {
    const worst = losingPrimary[0] as VariantResults;
    return {
      action: 'rollback',
      reason: `primary metric ${primary.metric} is losing for every treatment (sequential p < ${alpha})`,
      figures: variantFigures(primary, worst),
    };
  }
  const winners = treatments
    .filter((variant) => variant.verdict === 'winning' && (variant.pValueSequential ?? 1) < alpha)
    .sort((a, b) => (b.chanceToBeatControl ?? 0) - (a.chanceToBeatControl ?? 0) || (a.key < b.key ? -1 : 1));
  const winner = winners[0];
  if (winner !== undefined) {
    return {
      action: 'promote',
      variant: winner.key,
      reason: `${winner.key} is winning on ${primary.metric} (sequential p < ${alpha})`,
      figures: variantFigures(primary, winner),
    };
  }
  const best = [...treatments].sort((a, b) => (a.pValueSequential ?? 1) - (b.pValueSequential ?? 1))[0];
  return {
    action: 'hold',
    reason:
      best === undefined
        ? 'no treatment in the results'
        : `no verdict yet on ${primary.metric} (${best.verdict ?? 'no verdict'})`,
    figures: best === undefined ? { metric: primary.metric } : variantFigures(primary, best),
  };
}
