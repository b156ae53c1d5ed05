import type { Expression, RawBuilder } from 'kysely';
import type { EventRow } from './events-repository.js';

/** A snapshot of finished transactions: every id below `xmax` and not in `xip` (those were running). */
export interface TransactionSnapshot {
  readonly xmax: string;
  readonly xip: readonly string[];
}

/** A stored event, as `writtenBetween` selects it. */
export interface LoggedEvent extends Pick<EventRow, 'type' | 'experiment_id' | 'variant' | 'name' | 'unit' | 'value'> {
  readonly occurred_at: Date;
}

/** A conversion of one unit, as `conversionsOf` selects it. */
export interface LoggedConversion {
  readonly name: string;
  readonly occurred_at: Date;
  readonly value: number | null;
}

/** Which conversions of a unit `conversionsOf` selects; the expressions may name the outer query's columns. */
export interface UnitConversionsQuery {
  readonly unit: Expression<string>;
  /** Days of receipt to look in (`YYYY-MM-DD`, both included), so the planner prunes partitions. */
  readonly receivedFrom: string;
  readonly receivedTo: string;
  /** Occurred at or after this instant and before `occurredBefore`. */
  readonly occurredFrom: Expression<Date>;
  readonly occurredBefore: Expression<Date>;
  /** Written by transactions this snapshot calls finished. */
  readonly asOf: TransactionSnapshot;
}

/**
 * How the per-unit facts read the raw events, which only `events/` queries: a probe for events
 * not yet folded, and subqueries the fold embeds in its own statements, so that a sweep stays a
 * handful of set-based statements in one transaction whatever the number of events.
 */
export interface EventLog {
  /** Whether a committed event was written by a transaction at or past `since.xmax`, or in `since.xip`. */
  hasWrittenSince(since: TransactionSnapshot): Promise<boolean>;
  /** A SELECT of the events (`LoggedEvent` columns) written by transactions finished in `to` but not in `from`. */
  writtenBetween(from: TransactionSnapshot, to: TransactionSnapshot): RawBuilder<LoggedEvent>;
  /**
   * A SELECT of one unit's conversions (`LoggedConversion` columns), correlated through the query's
   * expressions: for a LATERAL join, run as index probes per outer row whatever the statistics say.
   */
  conversionsOf(query: UnitConversionsQuery): RawBuilder<LoggedConversion>;
}
