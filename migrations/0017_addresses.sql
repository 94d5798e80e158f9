-- 0017: the commune's addresses, imported from the Base Adresse Nationale open data (the
-- per-commune « adresses-<code INSEE>.csv » file) or from the demo's generated file. They serve
-- the street report's autocompletion and « Utiliser ma position » (the nearest address by
-- distance), from this table only: no request leaves Guichet (decision 0025).
CREATE TABLE address (
  commune_id uuid NOT NULL REFERENCES commune (id) ON DELETE CASCADE,
  -- The BAN's interoperability key (e.g. 99101_0040_00012_bis), unique in the file.
  ban_id text NOT NULL CHECK (length(ban_id) BETWEEN 1 AND 100),
  number integer NOT NULL CHECK (number BETWEEN 0 AND 99999),
  suffix text NOT NULL DEFAULT '' CHECK (length(suffix) <= 20),
  street text NOT NULL CHECK (length(street) BETWEEN 1 AND 200),
  postcode text NOT NULL CHECK (postcode ~ '^[0-9]{5}$'),
  insee_code text NOT NULL CHECK (length(insee_code) <= 5),
  city text NOT NULL CHECK (length(city) BETWEEN 1 AND 200),
  -- « 12 bis rue des Lilas », as shown and filled in the form.
  label text NOT NULL CHECK (length(label) BETWEEN 1 AND 240),
  -- The label in lower case without accents nor punctuation, for the search.
  search text NOT NULL,
  lon double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, ban_id)
);
CREATE INDEX address_search_idx ON address (commune_id, search text_pattern_ops);
CREATE INDEX address_position_idx ON address (commune_id, lat, lon);

ALTER TABLE address ENABLE ROW LEVEL SECURITY;
ALTER TABLE address FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON address
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
