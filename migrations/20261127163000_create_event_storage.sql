-- Event storage: append-only raw events plus the per-unit facts the analysis reads, kept current
-- on ingest so that analysis cost grows with units, not events. Every unique key and hot index of
-- the per-unit tables leads with experiment_id, so they can be distributed by experiment (Citus)
-- without code changes. Raw events and idempotency keys are partitioned by day of receipt; see
-- docs/operations.md for retention.

-- Idempotency: an event id is stored once. Partitioned by day so old keys can be dropped whole;
-- the idempotency window is the retention of these partitions (default 7 days).
CREATE TABLE event_ids (
  id uuid NOT NULL,
  received_on date NOT NULL,
  PRIMARY KEY (received_on, id)
) PARTITION BY RANGE (received_on);

CREATE TABLE event_ids_default PARTITION OF event_ids DEFAULT;

-- Raw events, as the SDK sent them (experiment resolved to its id for exposures).
CREATE TABLE events (
  id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('exposure', 'conversion')),
  experiment_id uuid,
  variant text,
  name text,
  unit text NOT NULL,
  value double precision,
  properties jsonb,
  occurred_at timestamptz NOT NULL,
  received_on date NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'exposure') = (experiment_id IS NOT NULL AND variant IS NOT NULL)),
  CHECK ((type = 'conversion') = (name IS NOT NULL))
) PARTITION BY RANGE (received_on);

CREATE TABLE events_default PARTITION OF events DEFAULT;

-- Conversions of a unit in time order: recomputing a unit's facts when its exposure arrives late.
CREATE INDEX events_conversions_by_unit_idx ON events (unit, name, occurred_at) WHERE type = 'conversion';

-- First exposure per experiment and unit: the variant a unit counts in. A unit later seen in
-- another variant is flagged and excluded from the analysis (and reported).
CREATE TABLE unit_exposures (
  experiment_id uuid NOT NULL,
  unit text NOT NULL,
  variant text NOT NULL,
  first_exposed_at timestamptz NOT NULL,
  is_multiple boolean NOT NULL DEFAULT false,
  PRIMARY KEY (experiment_id, unit)
);

-- Lookups from a conversion's unit to the experiments it was exposed to.
CREATE INDEX unit_exposures_unit_idx ON unit_exposures (unit);

-- Per experiment, metric and unit: the conversions that count (at or after the first exposure,
-- inside the experiment's conversion window).
CREATE TABLE unit_metric_facts (
  experiment_id uuid NOT NULL,
  metric text NOT NULL,
  unit text NOT NULL,
  first_converted_at timestamptz NOT NULL,
  conversions integer NOT NULL,
  value_sum double precision NOT NULL,
  PRIMARY KEY (experiment_id, metric, unit)
);

-- Sticky assignments: the first recorded variant of a unit wins until the experiment restarts.
CREATE TABLE sticky_assignments (
  experiment_id uuid NOT NULL,
  unit text NOT NULL,
  variant text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (experiment_id, unit)
);
