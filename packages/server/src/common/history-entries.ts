import { z } from 'zod';
import type { KeyNameReader } from '../keys/keys-repository.js';
import { jsonValue } from '../validation/json-value.js';

/** One entry of the change history of an experiment or a metric: who, when, which fields from/to. */
export const historyEntrySchema = z
  .object({
    version: z.int(),
    action: z.string().meta({ example: 'updated' }),
    actorKeyId: z.uuid().nullable().meta({ description: 'The API key that made the change.' }),
    actorName: z.string().nullable().meta({ description: "That key's name." }),
    changedAt: z.iso.datetime(),
    changes: z.array(z.object({ field: z.string(), from: jsonValue.nullable(), to: jsonValue.nullable() })),
  })
  .meta({ id: 'HistoryEntry' });

export type HistoryEntry = z.output<typeof historyEntrySchema>;
export type FieldChange = HistoryEntry['changes'][number];

/** A history entry as stored: the actor's key id, whose name the keys module knows. */
export type HistoryRecord = Omit<HistoryEntry, 'actorName'>;

/** The changes that define a new object: every field set, from null. */
export function creationChanges(definition: object): FieldChange[] {
  return Object.entries(definition)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => ({ field, from: null, to: value }));
}

/** The columns every history table shares. */
export interface StoredHistoryRow {
  readonly version: number;
  readonly action: string;
  readonly actor_key_id: string | null;
  readonly changed_at: Date;
  readonly changes: readonly unknown[];
}

/** A stored history row as a record, each change back in field/from/to order (jsonb reorders object keys). */
export function historyRecordOf(row: StoredHistoryRow): HistoryRecord {
  return {
    version: row.version,
    action: row.action,
    actorKeyId: row.actor_key_id,
    changedAt: row.changed_at.toISOString(),
    changes: (row.changes as FieldChange[]).map((change) => ({
      field: change.field,
      from: change.from,
      to: change.to,
    })),
  };
}

/** The records with the names of the keys that made them (null for a key since deleted, or none). */
export async function withActorNames(
  records: readonly HistoryRecord[],
  keyNames: KeyNameReader,
): Promise<HistoryEntry[]> {
  const names = await keyNames.findNames(records.flatMap((record) => record.actorKeyId ?? []));
  return records.map(({ version, action, actorKeyId, changedAt, changes }) => ({
    version,
    action,
    actorKeyId,
    actorName: actorKeyId === null ? null : (names.get(actorKeyId) ?? null),
    changedAt,
    changes,
  }));
}
