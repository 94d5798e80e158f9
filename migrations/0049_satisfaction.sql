-- 0049: citizen satisfaction (issue 16 §2, decision 0056): the answers to the « Je donne mon avis »
-- style survey offered after a démarche is sent and when a request is closed. An answer keeps no
-- trace of who gave it: no request, no account, no address, no exact time — only the commune, the
-- démarche and service it was about, the month it was given (Paris time), the three marks (1 « Pas
-- bien », 2 « Moyen », 3 « Très bien »; ease and clarity may be left out) and the free comment.
-- `key_hash` is the SHA-256 of a keyed signature of the request, made with the instance's secret:
-- unique per commune, it refuses a second answer for the same request, and cannot be traced back to
-- the request without that secret.
CREATE TABLE satisfaction_answer (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  commune_id uuid NOT NULL REFERENCES commune (id),
  procedure_id uuid REFERENCES procedure (id) ON DELETE SET NULL,
  service_id uuid REFERENCES service (id) ON DELETE SET NULL,
  moment text NOT NULL CHECK (moment IN ('demarche', 'cloture')),
  answered_month date NOT NULL CHECK (extract(day FROM answered_month) = 1),
  satisfaction smallint NOT NULL CHECK (satisfaction BETWEEN 1 AND 3),
  ease smallint CHECK (ease BETWEEN 1 AND 3),
  clarity smallint CHECK (clarity BETWEEN 1 AND 3),
  comment text CHECK (length(comment) BETWEEN 1 AND 1000),
  key_hash text NOT NULL CHECK (length(key_hash) = 64),
  UNIQUE (commune_id, key_hash)
);
CREATE INDEX satisfaction_answer_month ON satisfaction_answer (commune_id, answered_month);

ALTER TABLE satisfaction_answer ENABLE ROW LEVEL SECURITY;
ALTER TABLE satisfaction_answer FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON satisfaction_answer
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
