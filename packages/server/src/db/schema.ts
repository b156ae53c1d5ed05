import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Timestamps: pg and PGlite both return Date; we write them with `now()` or Date. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: string;
  lookup: string;
  secret_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ExperimentsTable {
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  key: string;
  name: string;
  hypothesis: string;
  owner: string | null;
  description: string | null;
  status: string;
  variants: JSONColumnType<unknown[], string, string>;
  coverage: number;
  unit_attribute: string;
  salt: string | null;
  targeting: JSONColumnType<Record<string, unknown>, string, string>;
  layer_key: string | null;
  layer_from: number | null;
  layer_to: number | null;
  overrides: JSONColumnType<Record<string, string>, string, string>;
  sticky: boolean;
  metrics: JSONColumnType<Record<string, unknown>, string, string>;
  routing: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  stopped_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  archived_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ExperimentHistoryTable {
  id: ColumnType<string, never, never>;
  experiment_id: string;
  experiment_key: string;
  version: number;
  action: string;
  actor_key_id: string | null;
  changes: JSONColumnType<unknown[], string, string>;
  changed_at: Timestamp;
}

export interface MetricsTable {
  key: string;
  seq: ColumnType<string, never, never>;
  name: string;
  description: string | null;
  type: string;
  event: string | null;
  numerator: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  denominator: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  direction: string;
  per_unit_max: number | null;
  window_hours: number;
  non_inferiority_margin: number | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MetricHistoryTable {
  id: ColumnType<string, never, never>;
  metric_key: string;
  version: number;
  action: string;
  actor_key_id: string | null;
  changes: JSONColumnType<unknown[], string, string>;
  changed_at: Timestamp;
}

export interface SdkConfigStateTable {
  id: number;
  version: number;
}

/** The server's database, as Kysely sees it. Only `*-repository.ts` files query it. */
export interface Database {
  api_keys: ApiKeysTable;
  experiments: ExperimentsTable;
  experiment_history: ExperimentHistoryTable;
  metrics: MetricsTable;
  metric_history: MetricHistoryTable;
  sdk_config_state: SdkConfigStateTable;
}
