import type { ExperimentResults, Verdict, VariantResult } from './api-types.js';
import { describePValue, formatCount, formatInterval, formatPercent, formatSignedPercent } from './format.js';

/** Short labels for badges. */
export const VERDICT_LABELS: Readonly<Record<Verdict, string>> = {
  winning: 'Winning',
  losing: 'Losing',
  inconclusive: 'Inconclusive',
  'srm-failed': 'Sample ratio mismatch',
  'insufficient-data': 'Insufficient data',
};

/** The verdict of one treatment against the control, in a sentence a product owner can repeat. */
export function describeVerdict(treatment: VariantResult, control: VariantResult): string {
  const lift = treatment.liftRel;
  const liftText =
    lift === undefined ? '' : `${formatSignedPercent(lift.estimate)} (95% interval ${formatInterval(lift.ci)})`;
  const pText =
    treatment.pValueSequential === undefined ? '' : `, always-valid ${describePValue(treatment.pValueSequential)}`;
  switch (treatment.verdict) {
    case 'winning':
      return `"${treatment.key}" beats "${control.key}": conversion ${liftText}${pText}. The hypothesis holds.`;
    case 'losing':
      return `"${treatment.key}" does worse than "${control.key}": conversion ${liftText}${pText}. The hypothesis is refuted.`;
    case 'inconclusive':
      return `No clear difference between "${treatment.key}" and "${control.key}" yet: conversion ${liftText}${pText}. Keep it running or accept that the effect, if any, is small.`;
    case 'srm-failed':
      return `The traffic split does not match the configured weights, so these numbers cannot be trusted. Find the cause (a redirect, a bot filter, a crash in one variant) before reading anything else.`;
    case 'insufficient-data':
      return `Not enough data yet for "${treatment.key}": a verdict needs at least 100 units in each variant and 10 conversions (${formatCount(treatment.units)} and ${formatCount(control.units)} units so far).`;
    case undefined:
      return `No verdict for "${treatment.key}".`;
  }
}

/** One verdict for the whole experiment, for the list: the most important treatment's. */
export function overallVerdict(results: ExperimentResults): { verdict: Verdict; variant: string | null } {
  const treatments = results.variants.slice(1);
  if (!results.srm.ok || treatments.some((t) => t.verdict === 'srm-failed'))
    return { verdict: 'srm-failed', variant: null };
  const winner = treatments
    .filter((t) => t.verdict === 'winning')
    .sort((a, b) => (b.liftRel?.estimate ?? 0) - (a.liftRel?.estimate ?? 0))[0];
  if (winner !== undefined) return { verdict: 'winning', variant: winner.key };
  const loser = treatments.find((t) => t.verdict === 'losing');
  if (treatments.length > 0 && treatments.every((t) => t.verdict === 'losing'))
    return { verdict: 'losing', variant: loser?.key ?? null };
  if (treatments.every((t) => t.verdict === 'insufficient-data'))
    return { verdict: 'insufficient-data', variant: null };
  return { verdict: 'inconclusive', variant: null };
}

/** The sample-ratio-mismatch warning, or null when the split is fine. */
export function describeSampleRatio(results: ExperimentResults): string | null {
  if (results.srm.ok) return null;
  const split = results.variants.map((v) => `${v.key} ${formatCount(v.units)}`).join(', ');
  return `The units per variant (${split}) are too far from the configured weights to be chance (χ² = ${results.srm.chiSquare.toFixed(1)}, ${describePValue(results.srm.pValue)}). Every result below is void until the cause is found.`;
}

/** The conversion rate with its interval, e.g. `12.3% (95% interval 10.1% to 14.8%)`. */
export function describeRate(variant: VariantResult): string {
  return `${formatPercent(variant.rate)} (95% interval ${formatInterval(variant.rateCI, formatPercent)})`;
}
