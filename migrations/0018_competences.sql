-- The standard map of municipal competences (issue 9): the classifier predicts a competence, each
-- commune maps competences to its own services. A competence without a row goes to the service
-- whose name matches it, else to the accueil (src/modules/requests/competence-map.ts).
CREATE TABLE competence_map (
  commune_id uuid NOT NULL REFERENCES commune (id),
  competence text NOT NULL,
  -- NULL: the accueil (the commune's triage service) handles it.
  service_id uuid REFERENCES service (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, competence)
);

ALTER TABLE competence_map ENABLE ROW LEVEL SECURITY;
ALTER TABLE competence_map FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON competence_map
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

-- Routing examples are labelled with a competence from now on (re-routings refine the commune's
-- model at the competence level); older examples keep only their service.
ALTER TABLE routing_example ADD COLUMN competence text;

-- What the classifier estimated, shown to agents: the competence and, when two were close, both.
ALTER TABLE citizen_request ADD COLUMN routing_competences text[];
