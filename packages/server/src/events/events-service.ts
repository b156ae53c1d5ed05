import { DAY_MS, isoDay } from '../common/utc-days.js';
import { DomainError } from '../errors/domain-error.js';
import type { ExperimentReader, ExperimentVariants } from '../experiments/experiment-reader.js';
import { CLOCK_SKEW_MINUTES, CLOCK_SKEW_MS } from '../facts/fact-rules.js';
import { formatPath } from '../validation/parse-input.js';
import { eventSchema, type EventError, type IncomingEvent, type IngestResult } from './event-schemas.js';
import type { EventRow, EventsRepository } from './events-repository.js';

/** Days before today whose idempotency keys are checked (today's are the primary key). */
export const IDEMPOTENCY_LOOKBACK_DAYS = 1;
const MAX_REPORTED_ERRORS = 100;
/** Daily partitions created ahead of time, so rows never land in the DEFAULT partitions. */
export const PARTITION_DAYS_AHEAD = 3;
/** Days of raw events kept (the per-unit facts are kept for good). */
export const EVENT_RETENTION_DAYS = 90;

export interface RetentionPolicy {
  /** Days of raw events kept, counting today (at least the idempotency lookback plus today). */
  readonly eventDays: number;
}

export interface EventsServiceOptions {
  readonly now?: () => number;
  readonly idempotencyLookbackDays?: number;
  readonly retention?: Partial<RetentionPolicy>;
  /** Told when new events are stored, so their facts get folded (see `FactFolder`). */
  readonly facts?: { schedule(): void };
}

/** A batch checked whole: the rows to store, or the errors that refuse it. */
interface CheckedBatch {
  readonly rows: EventRow[];
  readonly errors: EventError[];
}

/** Each raw event parsed, or null where it failed (its errors recorded). */
function parseEvents(rawEvents: readonly unknown[], errors: EventError[]): (IncomingEvent | null)[] {
  return rawEvents.map((raw, index) => {
    const result = eventSchema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      errors.push({ index, path: formatPath(['events', index, ...issue.path]), message: issue.message });
    }
    return null;
  });
}

/** The experiment keys the batch's exposures name. */
function exposedKeys(events: readonly (IncomingEvent | null)[]): Set<string> {
  const keys = new Set<string>();
  for (const event of events) if (event?.type === 'exposure') keys.add(event.experiment);
  return keys;
}

/** What checking one event against the stored experiments and the clock needs. */
interface EventContext {
  readonly index: number;
  readonly experiments: ReadonlyMap<string, ExperimentVariants>;
  /** The latest timestamp accepted (the server's clock plus the allowed skew). */
  readonly latest: number;
}

/** The row to store for one parsed event, or null with its errors recorded. */
function toRow(event: IncomingEvent, context: EventContext, errors: EventError[]): EventRow | null {
  const { index } = context;
  const at = (field: string) => formatPath(['events', index, field]);
  const occurredAt = Date.parse(event.timestamp);
  if (occurredAt > context.latest)
    errors.push({
      index,
      path: at('timestamp'),
      message: `More than ${CLOCK_SKEW_MINUTES} minutes in the future; check the client clock.`,
    });
  const common = { id: event.id.toLowerCase(), unit: event.unit, occurred_at: new Date(occurredAt).toISOString() };
  if (event.type === 'conversion') {
    return {
      ...common,
      type: 'conversion',
      experiment_id: null,
      variant: null,
      name: event.name,
      value: event.value ?? null,
      properties: event.properties ?? null,
    };
  }
  const experiment = context.experiments.get(event.experiment);
  if (experiment === undefined) {
    errors.push({ index, path: at('experiment'), message: `No experiment with key "${event.experiment}".` });
    return null;
  }
  if (!experiment.variants.has(event.variant)) {
    errors.push({
      index,
      path: at('variant'),
      message: `"${event.variant}" is not a variant of experiment "${event.experiment}".`,
    });
    return null;
  }
  return {
    ...common,
    type: 'exposure',
    experiment_id: experiment.id,
    variant: event.variant,
    name: null,
    value: null,
    properties: null,
  };
}

/**
 * Validates a batch whole (any invalid event rejects all of it) and stores its new events in one
 * statement: either all of a batch's new rows are stored, or none. The per-unit facts follow in
 * sweeps (`FactFolder`), outside the request.
 */
export class EventsService {
  readonly #repository: EventsRepository;
  readonly #experiments: Pick<ExperimentReader, 'findVariants'>;
  readonly #now: () => number;
  readonly #lookbackDays: number;
  readonly #retention: RetentionPolicy;
  readonly #facts: { schedule(): void } | undefined;

  /** `experiments` resolves the experiments exposures name, with their variant keys. */
  constructor(
    repository: EventsRepository,
    experiments: Pick<ExperimentReader, 'findVariants'>,
    options: EventsServiceOptions = {},
  ) {
    this.#repository = repository;
    this.#experiments = experiments;
    this.#now = options.now ?? Date.now;
    this.#lookbackDays = options.idempotencyLookbackDays ?? IDEMPOTENCY_LOOKBACK_DAYS;
    this.#retention = {
      eventDays: Math.max(options.retention?.eventDays ?? EVENT_RETENTION_DAYS, this.#lookbackDays + 1),
    };
    this.#facts = options.facts;
  }

  async ingest(rawEvents: readonly unknown[]): Promise<IngestResult> {
    const { rows, errors } = await this.#check(rawEvents);
    if (errors.length > 0) {
      const shown = errors.slice(0, MAX_REPORTED_ERRORS);
      throw new DomainError(
        'validation-failed',
        `${errors.length} invalid event(s); nothing was stored. First: ${shown[0]?.path}: ${shown[0]?.message}`,
        {
          errors: shown,
          invalidEvents: new Set(errors.map((error) => error.index)).size,
        },
      );
    }
    const unique = new Map<string, EventRow>();
    for (const row of rows) if (!unique.has(row.id)) unique.set(row.id, row);
    const events = [...unique.values()];
    const accepted = await this.#repository.insertRaw(events, this.#lookbackDays, this.#now());
    if (accepted > 0) this.#facts?.schedule();
    return { accepted, duplicates: rawEvents.length - accepted };
  }

  /**
   * Partition upkeep, safe to run on every replica at any time: creates the daily partitions of
   * today and the next days, and drops those past retention (a whole day at a time, no DELETE).
   */
  async maintainPartitions(): Promise<{ created: string[]; dropped: string[] }> {
    const now = this.#now();
    const days = Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, offset) => isoDay(now + offset * DAY_MS));
    const created = await this.#repository.createDailyPartitions(days);
    const dropped = await this.#repository.dropPartitionsBefore(
      'events',
      isoDay(now - (this.#retention.eventDays - 1) * DAY_MS),
    );
    return { created, dropped };
  }

  async #check(rawEvents: readonly unknown[]): Promise<CheckedBatch> {
    const errors: EventError[] = [];
    const parsed = parseEvents(rawEvents, errors);
    const experiments = await this.#experiments.findVariants([...exposedKeys(parsed)]);
    const latest = this.#now() + CLOCK_SKEW_MS;
    const rows: EventRow[] = [];
    parsed.forEach((event, index) => {
      const row = event === null ? null : toRow(event, { index, experiments, latest }, errors);
      if (row !== null) rows.push(row);
    });
    return { rows, errors };
  }
}
