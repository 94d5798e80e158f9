-- Working copy of a démarche's form, edited by the visual form editor and its JSON mode. Edits
-- go here, not into a new form_version: "Enregistrer une nouvelle version" turns the copy into
-- the next version (and deletes it), "Abandonner les modifications" deletes it. One copy per
-- démarche, shared by the commune's administrators. While it is being edited the copy may be
-- incomplete (a page without questions): it is checked when it becomes a version.

CREATE TABLE form_working_copy (
  commune_id uuid NOT NULL REFERENCES commune (id),
  procedure_id uuid NOT NULL REFERENCES procedure (id),
  -- The current version when the copy was started.
  base_version integer NOT NULL CHECK (base_version >= 1),
  definition jsonb NOT NULL,
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, procedure_id)
);

ALTER TABLE form_working_copy ENABLE ROW LEVEL SECURITY;
ALTER TABLE form_working_copy FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON form_working_copy
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
