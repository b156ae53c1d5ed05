import { z } from 'zod';

export const resultsParams = z.object({ key: z.string().min(1).max(100) });

export const metricQuery = z.strictObject({
  metric: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'The primary metric or one of the guardrails; default: the primary.' }),
});

const interval = z.tuple([z.number(), z.number()]).meta({ id: 'Interval', description: '95% interval [lo, hi].' });
const estimate = z.object({ estimate: z.number(), ci: interval }).meta({ id: 'Estimate' });

export const VERDICTS = ['winning', 'losing', 'inconclusive', 'srm-failed', 'insufficient-data'] as const;
const verdictSchema = z.enum(VERDICTS).meta({ id: 'Verdict' });

export const variantResultSchema = z
  .object({
    key: z.string(),
    units: z.int(),
    conversions: z.int(),
    rate: z.number(),
    rateCI: interval.meta({ description: '95% Wilson score interval.' }),
    value: z
      .object({ mean: z.number(), stdDev: z.number() })
      .meta({ description: 'Per-unit value of the metric (0 for units without one).' }),
    liftAbs: estimate.optional().meta({ description: 'Treatments: rate − control rate, unpooled normal interval.' }),
    liftRel: estimate.optional().meta({ description: 'Treatments: rate / control rate − 1, delta-method interval.' }),
    pValue: z.number().optional().meta({ description: 'Two-sided pooled two-proportion z-test.' }),
    pValueAdjusted: z.number().optional().meta({ description: 'Holm-adjusted over the treatments.' }),
    pValueSequential: z.number().optional().meta({ description: 'Always-valid (mSPRT) p-value: safe to look daily.' }),
    chanceToBeatControl: z.number().optional(),
    expectedLoss: z.number().optional(),
    valueDiff: z
      .object({ estimate: z.number(), ci: interval, pValue: z.number() })
      .optional()
      .meta({ description: "Welch's t-test on the per-unit value." }),
    verdict: verdictSchema.optional(),
  })
  .meta({ id: 'VariantResult' });

const excludedUnits = z.object({ units: z.int() }).meta({ id: 'ExcludedUnits' });

export const resultsSchema = z
  .object({
    experiment: z.string(),
    metric: z.string(),
    generatedAt: z.iso.datetime(),
    multipleExposures: excludedUnits.meta({ description: 'Units exposed to more than one variant: excluded.' }),
    overrides: excludedUnits.meta({ description: 'Exposed units with a forced override (QA): excluded.' }),
    unknownVariant: excludedUnits.meta({
      description: 'Units first exposed in a variant the experiment no longer defines: excluded.',
    }),
    srm: z.object({ chiSquare: z.number(), pValue: z.number(), ok: z.boolean() }).meta({
      id: 'SampleRatioCheck',
      description: 'Sample ratio mismatch against the weights; ok when pValue >= 0.001.',
    }),
    variants: z.array(variantResultSchema).meta({ description: 'The control first.' }),
    power: z
      .object({ mdeRel: z.number(), unitsNeeded: z.int() })
      .meta({ id: 'Power', description: 'At the observed baseline, 80% power, α = 0.05.' }),
  })
  .meta({ id: 'ExperimentResults' });

export const seriesPointSchema = z
  .object({
    date: z.iso.date(),
    units: z.int(),
    conversions: z.int(),
    rate: z.number(),
  })
  .meta({ id: 'SeriesPoint' });

const variantSeriesSchema = z
  .object({ key: z.string(), points: z.array(seriesPointSchema) })
  .meta({ id: 'VariantSeries' });

export const timeseriesSchema = z
  .object({
    experiment: z.string(),
    metric: z.string(),
    generatedAt: z.iso.datetime(),
    variants: z.array(variantSeriesSchema).meta({
      description:
        'Per variant, one point per UTC day: cumulative units by day of first exposure, cumulative converted units by day of first conversion.',
    }),
  })
  .meta({ id: 'ExperimentTimeseries' });

export type MetricQuery = z.output<typeof metricQuery>;
export type ExperimentResults = z.output<typeof resultsSchema>;
export type VariantResultBody = z.output<typeof variantResultSchema>;
export type ExperimentTimeseries = z.output<typeof timeseriesSchema>;
