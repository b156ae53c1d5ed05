import { DomainError } from '../errors/domain-error.js';
import { formatPath } from '../validation/parse-input.js';
import { eventSchema, type EventError, type IncomingEvent, type IngestResult } from './event-schemas.js';
import type { EventRow, EventsRepository, ExperimentVariants } from './events-repository.js';

/** How far ahead of the server's clock an event may be stamped. */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Days before today whose idempotency keys are checked (today's are the primary key). */
export const IDEMPOTENCY_LOOKBACK_DAYS = 1;
const MAX_REPORTED_ERRORS = 100;
/** Experiments out of draft whose variants this replica remembers (they never change). */
const FIXED_EXPERIMENT_CACHE_SIZE = 10_000;
const DAY_MS = 86_400_000;
/** Daily partitions created ahead of time, so rows never land in the DEFAULT partitions. */
export const PARTITION_DAYS_AHEAD = 3;
/** Days of raw events kept (the per-unit facts are kept for good). */
export const EVENT_RETENTION_DAYS = 90;

export interface RetentionPolicy {
  /** Days of raw events kept, counting today (at least the idempotency lookback plus today). */
  readonly eventDays: number;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface EventsServiceOptions {
  readonly now?: () => number;
  readonly idempotencyLookbackDays?: number;
  readonly retention?: Partial<RetentionPolicy>;
  /** Told when new events are stored, so their facts get folded (see `FactFolder`). */
  readonly facts?: { schedule(): void };
}

/**
 * Validates a batch whole (any invalid event rejects all of it) and stores its new events in one
 * statement: either all of a batch's new rows are stored, or none. The per-unit facts follow in
 * sweeps (`FactFolder`), outside the request.
 */
export class EventsService {
  readonly #repository: EventsRepository;
  readonly #now: () => number;
  readonly #lookbackDays: number;
  readonly #retention: RetentionPolicy;
  readonly #facts: { schedule(): void } | undefined;
  /** Experiments that left draft, by key, as first read; drafts are read on every batch. */
  readonly #fixedExperiments = new Map<string, ExperimentVariants>();

  constructor(repository: EventsRepository, options: EventsServiceOptions = {}) {
    this.#repository = repository;
    this.#now = options.now ?? Date.now;
    this.#lookbackDays = options.idempotencyLookbackDays ?? IDEMPOTENCY_LOOKBACK_DAYS;
    this.#retention = {
      eventDays: Math.max(options.retention?.eventDays ?? EVENT_RETENTION_DAYS, this.#lookbackDays + 1),
    };
    this.#facts = options.facts;
  }

  async ingest(rawEvents: readonly unknown[]): Promise<IngestResult> {
    const { rows, errors } = await this.#validate(rawEvents);
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
    const days = Array.from({ length: PARTITION_DAYS_AHEAD + 1 }, (_, offset) => utcDay(now + offset * DAY_MS));
    const created = await this.#repository.createDailyPartitions(days);
    const dropped = await this.#repository.dropPartitionsBefore(
      'events',
      utcDay(now - (this.#retention.eventDays - 1) * DAY_MS),
    );
    return { created, dropped };
  }

  /** The experiments named by `keys`: those out of draft from memory once read, the others from the database. */
  async #findExperiments(keys: ReadonlySet<string>): Promise<Map<string, ExperimentVariants>> {
    const found = new Map<string, ExperimentVariants>();
    const unread: string[] = [];
    for (const key of keys) {
      const known = this.#fixedExperiments.get(key);
      if (known === undefined) unread.push(key);
      else found.set(key, known);
    }
    for (const [key, experiment] of await this.#repository.findExperiments(unread)) {
      found.set(key, experiment);
      if (experiment.isFixed && this.#fixedExperiments.size < FIXED_EXPERIMENT_CACHE_SIZE)
        this.#fixedExperiments.set(key, experiment);
    }
    return found;
  }

  async #validate(rawEvents: readonly unknown[]): Promise<{ rows: EventRow[]; errors: EventError[] }> {
    const errors: EventError[] = [];
    const parsed: (IncomingEvent | null)[] = rawEvents.map((raw, index) => {
      const result = eventSchema.safeParse(raw);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        errors.push({ index, path: formatPath(['events', index, ...issue.path]), message: issue.message });
      }
      return null;
    });
    const keys = new Set<string>();
    for (const event of parsed) if (event?.type === 'exposure') keys.add(event.experiment);
    const experiments = await this.#findExperiments(keys);
    const latest = this.#now() + MAX_FUTURE_SKEW_MS;
    const rows: EventRow[] = [];
    parsed.forEach((event, index) => {
      if (event === null) return;
      const at = (field: string) => formatPath(['events', index, field]);
      const occurredAt = Date.parse(event.timestamp);
      if (occurredAt > latest)
        errors.push({
          index,
          path: at('timestamp'),
          message: 'More than 5 minutes in the future; check the client clock.',
        });
      if (event.type === 'exposure') {
        const experiment = experiments.get(event.experiment);
        if (experiment === undefined) {
          errors.push({ index, path: at('experiment'), message: `No experiment with key "${event.experiment}".` });
          return;
        }
        if (!experiment.variants.has(event.variant)) {
          errors.push({
            index,
            path: at('variant'),
            message: `"${event.variant}" is not a variant of experiment "${event.experiment}".`,
          });
          return;
        }
        rows.push({
          id: event.id.toLowerCase(),
          type: 'exposure',
          experiment_id: experiment.id,
          variant: event.variant,
          name: null,
          unit: event.unit,
          value: null,
          properties: null,
          occurred_at: new Date(occurredAt).toISOString(),
        });
        return;
      }
      rows.push({
        id: event.id.toLowerCase(),
        type: 'conversion',
        experiment_id: null,
        variant: null,
        name: event.name,
        unit: event.unit,
        value: event.value ?? null,
        properties: event.properties ?? null,
        occurred_at: new Date(occurredAt).toISOString(),
      });
    });
    return { rows, errors };
  }
}
