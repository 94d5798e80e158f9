-- 0022: the family portal's activities (restauration scolaire, accueil du matin et du soir,
-- mercredi, vacances…) and their tariff grids in dated versions (a new school year, a new
-- délibération: a new grid). The grid's rules (brackets or effort rate, non-resident price,
-- sibling reduction, cost per user, « cantine à 1 € ») are validated by the application
-- (src/modules/family/tariffs/pricing.ts) and stored as one JSON document per version: a version
-- is never edited, only closed (valid_to) by the next one.
CREATE TABLE family_activity (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  -- What one price buys: « repas », « séance », « demi-journée », « heure ».
  unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 40),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, slug),
  UNIQUE (commune_id, id)
);

CREATE TABLE family_tariff_grid (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  activity_id uuid NOT NULL,
  valid_from date NOT NULL,
  valid_to date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  rules jsonb NOT NULL,
  -- The délibération that adopted the grid (« Délibération n° 2026-041 du 12 juin 2026 »).
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (commune_id, activity_id) REFERENCES family_activity (commune_id, id)
);
CREATE INDEX family_tariff_grid_activity_idx ON family_tariff_grid (commune_id, activity_id, valid_from);

ALTER TABLE family_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_activity
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_tariff_grid ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_tariff_grid FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_tariff_grid
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
