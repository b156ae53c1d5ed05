-- Every change to an experiment: who (API key), when, what. Rows outlive deleted drafts, so no
-- foreign key to experiments.
CREATE TABLE experiment_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  experiment_id uuid NOT NULL,
  experiment_key text NOT NULL,
  version integer NOT NULL,
  action text NOT NULL,
  actor_key_id uuid,
  changes jsonb NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX experiment_history_experiment_idx ON experiment_history (experiment_id, id);
