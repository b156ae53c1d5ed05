-- API keys: only the SHA-256 of each secret is stored; `lookup` (a prefix of that hash) finds the
-- candidate rows, and the full hash is then compared in constant time by the server.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'sdk', 'analyst')),
  lookup text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES api_keys (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE INDEX api_keys_lookup_idx ON api_keys (lookup);
