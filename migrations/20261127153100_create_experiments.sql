-- Experiments: one row per hypothesis under test. `seq` orders listings and backs cursor pagination.
CREATE TABLE experiments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  key text NOT NULL UNIQUE,
  name text NOT NULL,
  hypothesis text NOT NULL,
  owner text,
  description text,
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'running', 'paused', 'stopped', 'archived')),
  variants jsonb NOT NULL,
  coverage integer NOT NULL CHECK (coverage BETWEEN 0 AND 10000),
  unit_attribute text NOT NULL,
  salt text,
  targeting jsonb NOT NULL,
  layer_key text,
  layer_from integer,
  layer_to integer,
  overrides jsonb NOT NULL,
  sticky boolean NOT NULL,
  metrics jsonb NOT NULL,
  routing jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  stopped_at timestamptz,
  archived_at timestamptz,
  CHECK ((layer_key IS NULL) = (layer_from IS NULL) AND (layer_key IS NULL) = (layer_to IS NULL)),
  CHECK (layer_from IS NULL OR (0 <= layer_from AND layer_from < layer_to AND layer_to <= 10000))
);

CREATE INDEX experiments_status_idx ON experiments (status, seq);
CREATE INDEX experiments_owner_idx ON experiments (owner, seq);
CREATE INDEX experiments_layer_idx ON experiments (layer_key) WHERE layer_key IS NOT NULL;
