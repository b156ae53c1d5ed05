-- The SDK config version: one counter bumped in the same transaction as every experiment change,
-- so every replica serves the same version for the same content.
CREATE TABLE sdk_config_state (
  id integer PRIMARY KEY CHECK (id = 1),
  version integer NOT NULL
);

INSERT INTO sdk_config_state (id, version) VALUES (1, 1);
