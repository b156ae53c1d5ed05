import { z } from 'zod';
import { CLOCK_SKEW_MINUTES } from '../facts/fact-rules.js';
import { jsonValue } from '../validation/json-value.js';

/** A batch holds at most this many events (and at most the body limit, 1 MB by default). */
export const MAX_BATCH_EVENTS = 1000;
const MAX_UNIT_LENGTH = 256;
const MAX_NAME_LENGTH = 200;
const MAX_KEY_LENGTH = 100;

const eventId = z.uuid().meta({ description: 'Client-generated UUID; ingestion is idempotent on it.' });
const unit = z
  .string()
  .min(1)
  .max(MAX_UNIT_LENGTH)
  .meta({ description: 'The unit (user, device, session) the event is about.' });
const timestamp = z.iso
  .datetime({ offset: true })
  .meta({ description: `RFC 3339; at most ${CLOCK_SKEW_MINUTES} minutes in the future.` });

// Unknown fields are ignored rather than refused: a newer SDK adding one must not have its
// batches rejected (the SDK treats a 400 as final and would drop them).
export const exposureEventSchema = z
  .object({
    id: eventId,
    type: z.literal('exposure'),
    experiment: z.string().min(1).max(MAX_KEY_LENGTH),
    variant: z.string().min(1).max(MAX_KEY_LENGTH),
    unit,
    timestamp,
  })
  .meta({ id: 'ExposureEvent' });

export const conversionEventSchema = z
  .object({
    id: eventId,
    type: z.literal('conversion'),
    name: z.string().min(1).max(MAX_NAME_LENGTH),
    unit,
    value: z.number().refine(Number.isFinite, 'Must be a finite number.').optional(),
    properties: z.record(z.string(), jsonValue).optional(),
    timestamp,
  })
  .meta({ id: 'ConversionEvent' });

export const eventSchema = z.discriminatedUnion('type', [exposureEventSchema, conversionEventSchema]);

/** The envelope; each event is validated on its own so that errors name its index. */
export const eventBatchBody = z
  .strictObject({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) })
  .meta({ id: 'EventBatch' });

/** The documented shape of the envelope (what the routes validate event by event). */
export const eventBatchDocument = z
  .object({ events: z.array(eventSchema).min(1).max(MAX_BATCH_EVENTS) })
  .meta({ id: 'EventBatchDocument', description: `At most ${MAX_BATCH_EVENTS} events and 1 MB.` });

export const ingestResultSchema = z
  .object({
    accepted: z.int().meta({ description: 'Events stored by this request.' }),
    duplicates: z
      .int()
      .meta({ description: 'Events whose id was already stored (or repeated in the batch); not stored again.' }),
  })
  .meta({ id: 'IngestResult' });

export type ExposureEvent = z.output<typeof exposureEventSchema>;
export type ConversionEvent = z.output<typeof conversionEventSchema>;
export type IncomingEvent = z.output<typeof eventSchema>;
export type IngestResult = z.output<typeof ingestResultSchema>;

/** One invalid event field: the event's index in the batch and the dotted path (`events.3.timestamp`). */
export interface EventError {
  readonly index: number;
  readonly path: string;
  readonly message: string;
}
