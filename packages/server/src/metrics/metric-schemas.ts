import { z } from 'zod';
import { historyEntrySchema } from '../common/history-entries.js';
import { DEFAULT_CONVERSION_WINDOW_HOURS } from '../facts/fact-rules.js';
import type { MetricDirection, MetricType } from './metric-reader.js';

/** Conversion events carry names of up to this many characters. */
const MAX_EVENT_NAME_LENGTH = 200;
export const MAX_WINDOW_HOURS = 24 * 365;
const MAX_DESCRIPTION_LENGTH = 10_000;

export const METRIC_TYPES = ['proportion', 'mean', 'count', 'ratio'] as const satisfies readonly MetricType[];
export const METRIC_DIRECTIONS = ['increase', 'decrease'] as const satisfies readonly MetricDirection[];
export const METRIC_AGGREGATES = ['sum', 'count'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const eventName = text(MAX_EVENT_NAME_LENGTH).meta({ description: 'The name of a conversion event.' });

/**
 * A metric key. Before the catalogue, experiments named conversion events directly, and each such
 * name became the key of a metric; so a key follows the rule experiments applied to event names
 * (1 to 200 characters, surrounding whitespace trimmed), not the slug rule of experiment keys.
 */
export const metricKeySchema = text(MAX_EVENT_NAME_LENGTH).meta({
  description:
    'A key of the metric catalogue; a name not yet in it is added as the proportion of units sending that event.',
  example: 'purchase',
});

export const metricTypeSchema = z.enum(METRIC_TYPES).meta({
  id: 'MetricType',
  description:
    'proportion: share of units sending `event`; mean: per-unit sum of its `value`; count: events per unit; ratio: per-unit numerator over denominator (delta method).',
});
export const metricDirectionSchema = z
  .enum(METRIC_DIRECTIONS)
  .meta({ id: 'MetricDirection', description: 'Which way is better.' });

export const aggregateSourceSchema = z
  .strictObject({
    event: eventName,
    aggregate: z
      .enum(METRIC_AGGREGATES)
      .meta({ description: 'sum: the sum of the events’ `value`; count: the number of events.' }),
  })
  .meta({ id: 'MetricAggregateSource' });

export const cappingSchema = z
  .strictObject({
    perUnitMax: z
      .number()
      .positive()
      .meta({ description: 'A unit’s value (a ratio: its numerator) is set to at most this.' }),
  })
  .meta({ id: 'MetricCapping' });

const windowHours = z
  .int()
  .min(1)
  .max(MAX_WINDOW_HOURS)
  .meta({ description: 'Hours after a unit’s first exposure in which its events count.' });
const nonInferiorityMargin = z
  .number()
  .min(0)
  .lt(1)
  .meta({ description: 'Relative harm a guardrail tolerates (0.02 = 2%); unset: 0.02.' });

/** Every field of a metric an admin defines (key aside). */
const definitionShape = {
  name: text(200),
  description: z.string().max(MAX_DESCRIPTION_LENGTH).optional(),
  type: metricTypeSchema,
  event: eventName.optional().meta({ description: 'proportion, mean and count: the event measured.' }),
  numerator: aggregateSourceSchema.optional().meta({ description: 'ratio only.' }),
  denominator: aggregateSourceSchema.optional().meta({ description: 'ratio only.' }),
  direction: metricDirectionSchema.default('increase'),
  capping: cappingSchema.optional().meta({ description: 'mean, count and ratio only.' }),
  windowHours: windowHours.default(DEFAULT_CONVERSION_WINDOW_HOURS),
  nonInferiorityMargin: nonInferiorityMargin.optional(),
};

type Definition = z.output<z.ZodObject<typeof definitionShape>>;

/** A ratio reads two aggregates, every other type one event; a proportion has nothing to cap. */
function checkDefinition(definition: Definition, ctx: z.RefinementCtx): void {
  const issue = (field: keyof Definition, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (definition.type === 'ratio') {
    if (definition.numerator === undefined) issue('numerator', 'A ratio metric needs a numerator.');
    if (definition.denominator === undefined) issue('denominator', 'A ratio metric needs a denominator.');
    if (definition.event !== undefined)
      issue('event', 'A ratio metric reads its numerator and denominator, not an event; leave event out.');
    return;
  }
  if (definition.event === undefined) issue('event', `A ${definition.type} metric needs an event.`);
  if (definition.numerator !== undefined) issue('numerator', 'Only a ratio metric has a numerator.');
  if (definition.denominator !== undefined) issue('denominator', 'Only a ratio metric has a denominator.');
  if (definition.type === 'proportion' && definition.capping !== undefined)
    issue('capping', 'A proportion counts each unit at most once, so there is nothing to cap.');
}

export const createMetricBody = z
  .strictObject({ key: metricKeySchema, ...definitionShape })
  .superRefine(checkDefinition)
  .meta({ id: 'CreateMetric' });

/** The full definition, checked after a patch is merged into the stored metric. */
export const metricDefinitionSchema = z.strictObject(definitionShape).superRefine(checkDefinition);

/**
 * PATCH: any subset of the fields; `null` clears an optional field (`windowHours: null` restores
 * the default). The merged metric must be a valid definition, so a type change sends the fields
 * the new type needs and clears those it does not have.
 */
export const patchMetricBody = z
  .strictObject({
    name: definitionShape.name.optional(),
    description: definitionShape.description.nullable(),
    type: metricTypeSchema.optional(),
    event: definitionShape.event.nullable(),
    numerator: definitionShape.numerator.nullable(),
    denominator: definitionShape.denominator.nullable(),
    direction: metricDirectionSchema.optional(),
    capping: definitionShape.capping.nullable(),
    windowHours: windowHours.nullable().optional(),
    nonInferiorityMargin: nonInferiorityMargin.nullable().optional(),
  })
  .meta({ id: 'PatchMetric' });

export const metricSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: metricTypeSchema,
    event: z.string().nullable(),
    numerator: aggregateSourceSchema.nullable(),
    denominator: aggregateSourceSchema.nullable(),
    direction: metricDirectionSchema,
    capping: cappingSchema.nullable(),
    windowHours: z.int(),
    nonInferiorityMargin: z.number().nullable(),
    version: z.int().meta({ description: 'Bumped on every change.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Metric' });

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export const listMetricsQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, 'Not a cursor returned by this API.')
    .optional(),
  limit: z.coerce.number().pipe(z.int().min(1).max(MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE),
});

export const metricListSchema = z
  .object({
    items: z.array(metricSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'MetricList' });

export const metricHistorySchema = z.object({ items: z.array(historyEntrySchema) }).meta({ id: 'MetricHistory' });

export const metricKeyParams = z.object({ key: z.string().min(1).max(MAX_EVENT_NAME_LENGTH) });

export type CreateMetricInput = z.output<typeof createMetricBody>;
export type MetricDefinitionInput = z.output<typeof metricDefinitionSchema>;
export type PatchMetricInput = z.output<typeof patchMetricBody>;
export type ListMetricsQuery = z.output<typeof listMetricsQuery>;
export type Metric = z.output<typeof metricSchema>;
