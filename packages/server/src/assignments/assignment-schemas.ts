import { z } from 'zod';
import { jsonValue } from '../validation/json-value.js';

const MAX_EXPERIMENTS_PER_REQUEST = 200;
const MAX_ATTRIBUTES = 200;

export const REASONS = [
  'missing-unit',
  'not-running',
  'override',
  'targeting',
  'layer',
  'traffic',
  'assigned',
  'sticky',
  'not-ready',
  'error',
] as const;

export const assignmentsBody = z
  .strictObject({
    context: z
      .record(z.string().min(1).max(200), jsonValue)
      .refine((context) => Object.keys(context).length <= MAX_ATTRIBUTES, `At most ${MAX_ATTRIBUTES} attributes.`)
      .meta({ description: 'The attributes to decide with, e.g. { "userId": "u-42", "platform": "iOS" }.' }),
    experiments: z
      .array(z.string().min(1).max(100))
      .max(MAX_EXPERIMENTS_PER_REQUEST)
      .optional()
      .meta({ description: 'Experiment keys to decide; default every running and paused experiment.' }),
    logExposures: z.boolean().default(true).meta({
      description: 'Log an exposure for each decision in an experiment (as the SDK does on decide); default true.',
    }),
  })
  .meta({ id: 'AssignmentsRequest' });

export const decisionSchema = z
  .object({
    experiment: z.string(),
    variant: z.string().nullable(),
    inExperiment: z.boolean(),
    reason: z.enum(REASONS),
    bucket: z.int().nullable(),
    payload: jsonValue.nullable(),
  })
  .meta({ id: 'Decision', description: '`Decision` of `@lift/sdk`.' });

export const assignmentsResponse = z.object({ decisions: z.array(decisionSchema) }).meta({ id: 'Assignments' });

export const lookupParams = z.object({ key: z.string().min(1).max(100), unit: z.string().min(1).max(256) });

/** Query parameters of the lookup are context attributes (strings), for targeting. */
export const lookupQuery = z
  .record(z.string().min(1).max(200), z.string())
  .meta({ description: 'Further context attributes, e.g. ?platform=iOS.' });

export const lookupResponse = z
  .object({
    unit: z.string(),
    decision: decisionSchema,
    recorded: z
      .object({ variant: z.string(), assignedAt: z.iso.datetime() })
      .nullable()
      .meta({ description: 'The sticky assignment recorded for the unit, if any.' }),
    exposure: z
      .object({ variant: z.string(), firstExposedAt: z.iso.datetime(), isMultiple: z.boolean() })
      .nullable()
      .meta({ description: 'The variant the analysis counts the unit in (its first exposure), if exposed.' }),
  })
  .meta({ id: 'AssignmentLookup' });

export type AssignmentsInput = z.output<typeof assignmentsBody>;
export type LookupResult = z.output<typeof lookupResponse>;
