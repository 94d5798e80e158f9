-- 0047: the commune's own reply templates for the courrier (issue 14, item 4; decision 0054).
-- A row with `builtin_key` is the commune's edited version of a built-in template (templates.ts),
-- which it replaces in the drafting page until the administrator reverts it (the row is deleted);
-- a row without is a template the commune added. Merge fields are checked by the application
-- (only the fields the system knows); the lengths here are the last line of defence.

CREATE TABLE courrier_template (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  builtin_key text CHECK (builtin_key IS NULL OR builtin_key IN ('accuse_reception', 'reponse', 'demande_pieces')),
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  updated_by uuid REFERENCES account (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX courrier_template_builtin_idx ON courrier_template (commune_id, builtin_key)
  WHERE builtin_key IS NOT NULL;
CREATE INDEX courrier_template_commune_idx ON courrier_template (commune_id, created_at);

ALTER TABLE courrier_template ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_template FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_template
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
