/**
 * COPY ingest: how large batches of new events reach PostgreSQL the cheapest way.
 *
 * What it buys (bench:ingest, PostgreSQL CPU per ingested event): 20-21 µs by one INSERT, 15.5-16.5
 * µs by COPY, about a fifth less. Below MIN_COPY_EVENTS a batch takes the plain INSERT: COPY's two
 * extra round trips (the lookback probe, a connection of its own) cost more than it saves per row
 * there, as for the assignments' small exposure groups.
 *
 * The ids seen on the days before today are looked up first and left out; the others are copied in
 * one statement. COPY cannot skip a row, so a COPY that meets an id already stored today (a resent
 * batch) fails whole, and the batch is then stored by the INSERT that skips stored ids.
 */
import type { CopyFrom } from '../db/database.js';
import { sqlStateOf, UNIQUE_VIOLATION } from '../db/database-errors.js';
import type { EventRow } from './events-repository.js';

/** From this many events on, a batch is stored by COPY where the database takes it. */
export const MIN_COPY_EVENTS = 100;
const COPY_EVENTS =
  'copy events (id, type, experiment_id, variant, name, unit, value, properties, occurred_at, received_on) from stdin';

/** What storing a batch needs from the events repository. */
export interface EventStore {
  /** Bulk loading by COPY, where the database takes it (PostgreSQL over pg). */
  readonly copyFrom: CopyFrom | undefined;
  /** The day of receipt the batch is stored under, `YYYY-MM-DD`. */
  readonly today: string;
  /** The ids of `events` stored on the days before today inside the idempotency lookback. */
  findStoredEarlier(events: readonly EventRow[]): Promise<ReadonlySet<string>>;
  /** The plain path: one INSERT of the events whose id is stored neither today nor earlier. */
  insertNew(events: readonly EventRow[]): Promise<number>;
}

/** Stores the events whose id is new, by COPY where it pays, and returns how many: all of them, or none. */
export async function storeNewEvents(events: readonly EventRow[], store: EventStore): Promise<number> {
  if (store.copyFrom === undefined || events.length < MIN_COPY_EVENTS) return store.insertNew(events);
  const seen = await store.findStoredEarlier(events);
  const fresh = seen.size === 0 ? events : events.filter((event) => !seen.has(event.id));
  if (fresh.length === 0) return 0;
  try {
    return await store.copyFrom(COPY_EVENTS, encodeEventRows(fresh, store.today));
  } catch (error) {
    if (sqlStateOf(error) !== UNIQUE_VIOLATION) throw error;
    return store.insertNew(fresh);
  }
}

function encodeEventRows(events: readonly EventRow[], receivedOn: string): string {
  let rows = '';
  for (const event of events) {
    const properties = event.properties === null ? null : JSON.stringify(event.properties);
    rows += encodeCopyRow([
      event.id,
      event.type,
      event.experiment_id,
      event.variant,
      event.name,
      event.unit,
      event.value,
      properties,
      event.occurred_at,
      receivedOn,
    ]);
  }
  return rows;
}

/**
 * PostgreSQL COPY's text format: one line per row, fields separated by tabs, `\N` for null, and
 * backslash, tab, newline and carriage return escaped with a backslash, so that any string
 * arrives as it was.
 */
const NULL_FIELD = '\\N';
const SPECIAL_CHARACTER = /[\\\t\n\r]/;
const SPECIAL_CHARACTERS = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A field's value: a string (escaped as needed), a finite number, or null. */
export type CopyValue = string | number | null;

function encodeField(value: CopyValue): string {
  if (value === null) return NULL_FIELD;
  if (typeof value === 'number') return String(value);
  return SPECIAL_CHARACTER.test(value)
    ? value.replace(SPECIAL_CHARACTERS, (character) => ESCAPES[character] ?? character)
    : value;
}

/** One row of COPY text, newline-terminated. */
export function encodeCopyRow(fields: readonly CopyValue[]): string {
  let line = '';
  for (let index = 0; index < fields.length; index++)
    line += (index === 0 ? '' : '\t') + encodeField(fields[index] ?? null);
  return `${line}\n`;
}
