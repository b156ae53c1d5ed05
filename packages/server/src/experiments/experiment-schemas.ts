import { DEFAULT_UNIT_ATTRIBUTE, findConditionIssues } from '@lift/sdk';
import { z } from 'zod';
import { historyEntrySchema } from '../common/history-entries.js';
import { MAX_WINDOW_HOURS, metricKeySchema } from '../metrics/metric-schemas.js';
import { jsonValue } from '../validation/json-value.js';

export type { FieldChange, HistoryEntry } from '../common/history-entries.js';

/** Basis points: weights, coverage and layer ranges are integers in 0..10000. */
export const BASIS_POINTS = 10_000;
const MAX_VARIANTS = 26;
const MAX_OVERRIDES = 10_000;
/** The most secondary metrics, and the most guardrails, an experiment names. */
const MAX_METRICS_PER_ROLE = 20;
const PERCENT = 100;

const SLUG = /^[a-z0-9][a-z0-9._-]*$/;
const slug = (max: number) =>
  z.string().max(max).regex(SLUG, 'Use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit.');
const text = (max: number) => z.string().trim().min(1).max(max);
const basisPoints = z.int().min(0).max(BASIS_POINTS);

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'stopped', 'archived'] as const;
export const statusSchema = z.enum(EXPERIMENT_STATUSES).meta({ id: 'ExperimentStatus' });

export const variantSchema = z
  .strictObject({
    key: slug(64),
    weight: basisPoints.meta({ description: 'Share of traffic in basis points; weights sum to 10000.' }),
    payload: jsonValue.optional(),
    description: z.string().max(2000).optional(),
  })
  .meta({ id: 'Variant' });

export const targetingSchema = z
  .record(z.string(), jsonValue)
  .superRefine((condition, ctx) => {
    for (const issue of findConditionIssues(condition)) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path === '' ? [] : [issue.path] });
    }
  })
  .meta({
    id: 'Targeting',
    description: 'A MongoDB-style condition as in GrowthBook; {} targets everyone.',
    example: { platform: 'iOS' },
  });

export const layerSchema = z
  .strictObject({
    key: slug(100),
    range: z.tuple([basisPoints, basisPoints]).meta({ description: '[from, to) in basis points of the layer bucket.' }),
  })
  .refine((layer) => layer.range[0] < layer.range[1], {
    message: 'The range must be [from, to) with from < to.',
    path: ['range'],
  })
  .meta({ id: 'Layer' });

const metricKeys = z.array(metricKeySchema).max(MAX_METRICS_PER_ROLE);
const conversionWindowHours = z.int().min(1).max(MAX_WINDOW_HOURS).meta({
  description: "Hours after a unit's first exposure in which events count; overrides every metric's `windowHours`.",
});

/** Keys of the metric catalogue; a key the catalogue lacks is added to it with the experiment. */
export const metricsSchema = z
  .strictObject({
    primary: metricKeySchema.meta({ description: 'The metric the hypothesis is judged on.' }),
    secondary: metricKeys.default([]).meta({ description: 'Metrics reported alongside, not judged on.' }),
    guardrails: metricKeys.default([]).meta({ description: 'Metrics that must not be harmed.' }),
    conversionWindowHours: conversionWindowHours.optional(),
  })
  .meta({ id: 'Metrics' });

export const ROUTING_MODES = ['ab', 'canary', 'mirror', 'blue-green'] as const;

export const routingSchema = z
  .strictObject({
    host: text(253),
    namespace: text(63),
    gateways: z.array(text(253)).optional(),
    hosts: z.array(text(253)).optional(),
    mode: z.enum(ROUTING_MODES),
    subsets: z.record(z.string(), z.record(z.string(), z.string())),
    headers: z.record(z.string(), text(200)).optional(),
    variantHeader: text(200).optional(),
    mirrorPercent: z.int().min(0).max(PERCENT).optional(),
    active: z.string().optional(),
    steps: z.array(z.int().min(1).max(PERCENT)).optional(),
  })
  .meta({ id: 'Routing', description: 'How istio-sync routes infra-level splits for this experiment.' });

const overridesSchema = z
  .record(z.string().min(1).max(200), z.string())
  .refine((overrides) => Object.keys(overrides).length <= MAX_OVERRIDES, `At most ${MAX_OVERRIDES} overrides.`)
  .meta({ description: 'Forced variant per unit id, for QA; excluded from analysis.' });

/** Every field of an experiment a product owner defines (key aside). */
const definitionShape = {
  name: text(200),
  hypothesis: text(2000).meta({ description: 'The sentence being tested.' }),
  owner: text(200).optional(),
  description: z.string().max(10_000).optional(),
  variants: z.array(variantSchema).min(2).max(MAX_VARIANTS).meta({ description: 'The first variant is the control.' }),
  coverage: basisPoints.default(BASIS_POINTS),
  unitAttribute: text(100).default(DEFAULT_UNIT_ATTRIBUTE),
  salt: text(200).optional(),
  targeting: targetingSchema.default({}),
  layer: layerSchema.optional(),
  overrides: overridesSchema.default({}),
  sticky: z.boolean().default(false),
  metrics: metricsSchema,
  routing: routingSchema.optional(),
};

type Definition = z.output<z.ZodObject<typeof definitionShape>>;

/** Rules that span fields: weights sum, unique variant keys, overrides and routing name variants. */
function checkDefinition(definition: Definition, ctx: z.RefinementCtx): void {
  const variantKeys = new Set<string>();
  definition.variants.forEach((variant, index) => {
    if (variantKeys.has(variant.key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['variants', index, 'key'],
        message: `Duplicate variant key "${variant.key}".`,
      });
    }
    variantKeys.add(variant.key);
  });
  const total = definition.variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (total !== BASIS_POINTS) {
    ctx.addIssue({
      code: 'custom',
      path: ['variants'],
      message: `Variant weights must sum to ${BASIS_POINTS}; they sum to ${total}.`,
    });
  }
  for (const [unit, variant] of Object.entries(definition.overrides)) {
    if (!variantKeys.has(variant)) {
      ctx.addIssue({
        code: 'custom',
        path: ['overrides', unit],
        message: `"${variant}" is not a variant of this experiment.`,
      });
    }
  }
  const routing = definition.routing;
  if (routing !== undefined) {
    for (const variant of Object.keys(routing.subsets)) {
      if (!variantKeys.has(variant)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routing', 'subsets', variant],
          message: `"${variant}" is not a variant of this experiment.`,
        });
      }
    }
    if (routing.active !== undefined && !variantKeys.has(routing.active)) {
      ctx.addIssue({
        code: 'custom',
        path: ['routing', 'active'],
        message: `"${routing.active}" is not a variant of this experiment.`,
      });
    }
    if (
      routing.steps !== undefined &&
      routing.steps.some((step, index) => index > 0 && step <= (routing.steps?.[index - 1] ?? 0))
    ) {
      ctx.addIssue({ code: 'custom', path: ['routing', 'steps'], message: 'Steps must increase.' });
    }
  }
}

export const createExperimentBody = z
  .strictObject({
    key: slug(100).meta({ description: 'Unique slug; the allocation salt defaults to it.' }),
    ...definitionShape,
  })
  .superRefine(checkDefinition)
  .meta({ id: 'CreateExperiment' });

/** The full definition, checked after a patch is merged into the stored experiment. */
export const definitionSchema = z.strictObject(definitionShape).superRefine(checkDefinition);

/**
 * PATCH: any subset of the fields; `null` clears an optional field; `metrics` merges field by
 * field (so `{ metrics: { guardrails: [...] } }` edits only the guardrails).
 */
export const patchExperimentBody = z
  .strictObject({
    name: definitionShape.name.optional(),
    hypothesis: definitionShape.hypothesis.optional(),
    owner: definitionShape.owner.nullable(),
    description: definitionShape.description.nullable(),
    variants: definitionShape.variants.optional(),
    coverage: basisPoints.optional(),
    unitAttribute: text(100).optional(),
    salt: definitionShape.salt.nullable(),
    targeting: targetingSchema.optional(),
    layer: definitionShape.layer.nullable(),
    overrides: overridesSchema.optional(),
    sticky: z.boolean().optional(),
    metrics: z
      .strictObject({
        primary: metricKeySchema.optional(),
        secondary: metricKeys.optional(),
        guardrails: metricKeys.optional(),
        conversionWindowHours: conversionWindowHours.nullable().optional(),
      })
      .optional(),
    routing: definitionShape.routing.nullable(),
  })
  .meta({ id: 'PatchExperiment' });

export const experimentSchema = z
  .object({
    id: z.uuid(),
    key: z.string(),
    name: z.string(),
    hypothesis: z.string(),
    owner: z.string().nullable(),
    description: z.string().nullable(),
    status: statusSchema,
    variants: z.array(variantSchema),
    coverage: z.int(),
    unitAttribute: z.string(),
    salt: z.string().nullable(),
    targeting: z.record(z.string(), jsonValue),
    layer: layerSchema.nullable(),
    overrides: z.record(z.string(), z.string()),
    sticky: z.boolean(),
    metrics: metricsSchema,
    routing: routingSchema.nullable(),
    version: z.int().meta({ description: 'Bumped on every change.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    stoppedAt: z.iso.datetime().nullable(),
    archivedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Experiment' });

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export const listExperimentsQuery = z.strictObject({
  status: statusSchema.optional(),
  owner: z.string().min(1).optional(),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'Not a cursor returned by this API.')
    .optional(),
  limit: z.coerce.number().pipe(z.int().min(1).max(MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE),
});

export const experimentListSchema = z
  .object({
    items: z.array(experimentSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'ExperimentList' });

export const historySchema = z.object({ items: z.array(historyEntrySchema) }).meta({ id: 'ExperimentHistory' });

export const experimentKeyParams = z.object({ key: z.string().min(1).max(100) });

export type CreateExperimentInput = z.output<typeof createExperimentBody>;
export type ExperimentDefinitionInput = z.output<typeof definitionSchema>;
export type PatchExperimentInput = z.output<typeof patchExperimentBody>;
export type Experiment = z.output<typeof experimentSchema>;
export type ExperimentStatusName = z.output<typeof statusSchema>;
export type ListExperimentsQuery = z.output<typeof listExperimentsQuery>;
