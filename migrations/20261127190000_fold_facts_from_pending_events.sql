-- Ingest stores raw events only; the per-unit facts are folded from them in sweeps, one sweep at a
-- time across all replicas (see docs/operations.md "Events and facts"). A sweep takes the events
-- written by transactions that finished since the last sweep: each row carries the id of the
-- transaction that wrote it, and each sweep records the snapshot it folded up to, so a row
-- committed late is folded by a later sweep, never skipped, never folded twice.

-- The writing transaction's id (64-bit, never wraps). Existing rows get this migration's.
ALTER TABLE events ADD COLUMN written_by_xact bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);

-- Pending events of a sweep, by range of transaction ids: appended at the right edge.
CREATE INDEX events_written_by_xact_idx ON events (written_by_xact);

-- Idempotency on the events themselves: an id is stored once per day of receipt, and ingest
-- probes the days before inside the idempotency window. The separate key table is gone.
ALTER TABLE events ADD PRIMARY KEY (received_on, id);

DROP TABLE event_ids;

-- Conversions by unit alone (a sweep rebuilding a unit's facts filters its few conversions by
-- name and time): a narrower key is cheaper to maintain on every ingested conversion.
DROP INDEX events_conversions_by_unit_idx;

CREATE INDEX events_conversions_by_unit_idx ON events (unit) WHERE type = 'conversion';

-- The one sweep cursor, as the snapshot the last sweep folded up to: every transaction below
-- snapshot_xmax and not in snapshot_xip (those then still running) is folded. Rows written before
-- this migration (by it, or folded on ingest by earlier versions) lie below the cursor.
CREATE TABLE fact_fold_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  snapshot_xmax bigint NOT NULL,
  snapshot_xip bigint[] NOT NULL DEFAULT '{}',
  folded_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO fact_fold_state (snapshot_xmax) VALUES (pg_current_xact_id()::text::bigint + 1);

-- A sweep adds a unit's later conversions to its facts row in place: room left on each page lets
-- PostgreSQL rewrite the row there without a new primary-key entry (a HOT update).
ALTER TABLE unit_metric_facts SET (fillfactor = 80);
