-- The metric catalogue: each metric defined once (what a unit contributes, which way is better,
-- its cap, window and guardrail margin) and named by key from experiments' `metrics` JSON.
-- `seq` orders listings and backs cursor pagination.
CREATE TABLE metrics (
  key text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name text NOT NULL,
  description text,
  type text NOT NULL CHECK (type IN ('proportion', 'mean', 'count', 'ratio')),
  event text,
  numerator jsonb,
  denominator jsonb,
  direction text NOT NULL DEFAULT 'increase' CHECK (direction IN ('increase', 'decrease')),
  per_unit_max double precision CHECK (per_unit_max > 0),
  window_hours integer NOT NULL DEFAULT 168 CHECK (window_hours BETWEEN 1 AND 8760),
  non_inferiority_margin double precision CHECK (non_inferiority_margin >= 0 AND non_inferiority_margin < 1),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- A ratio divides two per-unit aggregates; every other type reads one event.
  CHECK (
    CASE WHEN type = 'ratio'
      THEN event IS NULL AND numerator IS NOT NULL AND denominator IS NOT NULL
      ELSE event IS NOT NULL AND numerator IS NULL AND denominator IS NULL
    END
  ),
  CHECK (numerator IS NULL OR (jsonb_typeof(numerator -> 'event') = 'string' AND numerator ->> 'aggregate' IN ('sum', 'count'))),
  CHECK (denominator IS NULL OR (jsonb_typeof(denominator -> 'event') = 'string' AND denominator ->> 'aggregate' IN ('sum', 'count'))),
  -- A proportion counts a unit once, so there is nothing to cap.
  CHECK (type <> 'proportion' OR per_unit_max IS NULL)
);

-- Every change to a metric: who (API key), when, what. Metrics are never deleted, so the key
-- identifies the metric for good.
CREATE TABLE metric_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  metric_key text NOT NULL REFERENCES metrics (key),
  version integer NOT NULL,
  action text NOT NULL,
  actor_key_id uuid,
  changes jsonb NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX metric_history_metric_idx ON metric_history (metric_key, id);

-- Every name existing experiments analyse becomes a catalogue entry: until now a metric was the
-- name of a conversion event, counted as the share of units that sent it.
INSERT INTO metrics (key, name, type, event, direction)
SELECT used.name, used.name, 'proportion', used.name, 'increase'
FROM (
  SELECT metrics ->> 'primary' AS name FROM experiments
  UNION
  SELECT jsonb_array_elements_text(metrics -> 'guardrails') AS name
  FROM experiments
  WHERE jsonb_typeof(metrics -> 'guardrails') = 'array'
) AS used
WHERE used.name IS NOT NULL
ORDER BY used.name;

-- Their first history entry, as the catalogue records a metric it adds for an experiment.
INSERT INTO metric_history (metric_key, version, action, actor_key_id, changes)
SELECT
  key,
  1,
  'created',
  NULL,
  jsonb_build_array(
    jsonb_build_object('field', 'name', 'from', NULL, 'to', name),
    jsonb_build_object('field', 'type', 'from', NULL, 'to', type),
    jsonb_build_object('field', 'event', 'from', NULL, 'to', event),
    jsonb_build_object('field', 'direction', 'from', NULL, 'to', direction),
    jsonb_build_object('field', 'windowHours', 'from', NULL, 'to', window_hours)
  )
FROM metrics
ORDER BY seq;

-- Experiments now name secondary metrics too; existing ones have none.
UPDATE experiments SET metrics = jsonb_set(metrics, '{secondary}', '[]'::jsonb) WHERE metrics -> 'secondary' IS NULL;
