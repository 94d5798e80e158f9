-- 0045: pilotage (issue 16, decision 0052). The savings model's assumptions a commune changed
-- (unit costs, agent time, council sessions, investment and running cost): one row per commune
-- and key; a key without a row keeps the default shown with its source. Tenant table: RLS forced.
CREATE TABLE steering_assumption (
  commune_id uuid NOT NULL REFERENCES commune (id),
  key text NOT NULL CHECK (key ~ '^[a-z_]+\.[a-z_]+$'),
  value numeric NOT NULL CHECK (value >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES account (id),
  PRIMARY KEY (commune_id, key)
);

ALTER TABLE steering_assumption ENABLE ROW LEVEL SECURITY;
ALTER TABLE steering_assumption FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON steering_assumption
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
