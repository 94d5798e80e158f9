-- 0032: the courrier (GEC, issue 14, src/modules/courrier). The commune's contacts directory
-- (senders and recipients, deduplicated on the normalised name plus the e-mail or the postal
-- address), the incoming register (chrono per commune and Paris year from commune_counter, kind
-- 'courrier-arrivee'), its scanned documents (bytes in the blob store) and text read by OCR, the
-- people named on a mail (in copy, or readers of a confidential mail), the mail's history, the
-- outgoing register (kind 'courrier-depart') with replies signed in the parapheur, and the
-- electronic registered letters (LRE) sent through a qualified provider with their proofs and cost.

CREATE TABLE courrier_contact (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  kind text NOT NULL CHECK (kind IN ('personne', 'organisation')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Lower case, without accents, punctuation or civilities: « M. Jean-Pierre DUPONT » → « dupont jean pierre » (sorted words).
  name_key text NOT NULL CHECK (length(name_key) BETWEEN 1 AND 200),
  email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 320),
  postal_address text CHECK (postal_address IS NULL OR length(postal_address) <= 500),
  postal_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, id)
);
CREATE INDEX courrier_contact_name_idx ON courrier_contact (commune_id, name_key);

CREATE TABLE courrier_mail (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  chrono text NOT NULL CHECK (chrono ~ '^[0-9]{4}-A[0-9]{6,}$'),
  arrived_on date NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  registered_by uuid NOT NULL REFERENCES account (id),
  contact_id uuid NOT NULL,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  -- The type sets the processing deadline (src/modules/courrier/deadlines.ts).
  mail_type text NOT NULL CHECK (mail_type IN ('demande', 'reclamation', 'saisine_administrative', 'invitation', 'facture', 'information')),
  -- How it came: courrier simple, recommandé avec AR, courriel, déposé à l'accueil.
  category text NOT NULL CHECK (category IN ('courrier', 'recommande', 'courriel', 'depot')),
  priority text NOT NULL CHECK (priority IN ('normale', 'urgente')),
  confidential boolean NOT NULL DEFAULT false,
  service_id uuid NOT NULL REFERENCES service (id),
  assigned_to uuid REFERENCES account (id),
  status text NOT NULL CHECK (status IN ('a_traiter', 'en_cours', 'clos')),
  -- Null: no answer expected (information).
  due_on date,
  closed_at timestamptz,
  -- OCR of the scans (worker job): aucun (nothing to read) → en_attente → en_cours → termine | echec | indisponible.
  ocr_status text NOT NULL DEFAULT 'aucun' CHECK (ocr_status IN ('aucun', 'en_attente', 'en_cours', 'termine', 'echec', 'indisponible')),
  ocr_pages_done integer NOT NULL DEFAULT 0,
  ocr_pages_total integer NOT NULL DEFAULT 0,
  ocr_text text CHECK (ocr_text IS NULL OR length(ocr_text) <= 200000),
  ocr_message text,
  -- The classifier's proposal (competence map of the commune) and the agent's decision on it.
  proposed_service_id uuid REFERENCES service (id),
  proposal_confidence real,
  proposal_explanation jsonb,
  proposal_decision text CHECK (proposal_decision IS NULL OR proposal_decision IN ('acceptee', 'autre')),
  UNIQUE (commune_id, id),
  UNIQUE (commune_id, chrono),
  FOREIGN KEY (commune_id, contact_id) REFERENCES courrier_contact (commune_id, id)
);
CREATE INDEX courrier_mail_register_idx ON courrier_mail (commune_id, status, service_id, arrived_on DESC);

CREATE TABLE courrier_document (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  mail_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  mime_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id)
);
CREATE INDEX courrier_document_mail_idx ON courrier_document (commune_id, mail_id);

-- People named on a mail: in copy (they see it), or readers of a confidential mail (only they,
-- its registrar and its assignee see it).
CREATE TABLE courrier_mail_person (
  commune_id uuid NOT NULL REFERENCES commune (id),
  mail_id uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES account (id),
  role text NOT NULL CHECK (role IN ('copie', 'lecteur')),
  PRIMARY KEY (mail_id, account_id, role),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id)
);
CREATE INDEX courrier_mail_person_account_idx ON courrier_mail_person (commune_id, account_id);

CREATE TABLE courrier_history (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  mail_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid REFERENCES account (id),
  kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
  -- One French sentence, as shown on the mail's page.
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id)
);
CREATE INDEX courrier_history_mail_idx ON courrier_history (commune_id, mail_id, at);

CREATE TABLE courrier_outgoing (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  chrono text NOT NULL CHECK (chrono ~ '^[0-9]{4}-D[0-9]{6,}$'),
  -- The incoming mail it answers (null: a letter of the commune's own initiative).
  mail_id uuid,
  contact_id uuid NOT NULL,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  template text NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by uuid NOT NULL REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- brouillon → au_parapheur → signe | refuse; signe → envoye.
  status text NOT NULL CHECK (status IN ('brouillon', 'au_parapheur', 'signe', 'refuse', 'envoye')),
  folder_id uuid,
  folder_number text,
  signed_sha256 text CHECK (signed_sha256 IS NULL OR signed_sha256 ~ '^[0-9a-f]{64}$'),
  channel text CHECK (channel IS NULL OR channel IN ('lre', 'courriel', 'papier')),
  sent_at timestamptz,
  UNIQUE (commune_id, id),
  UNIQUE (commune_id, chrono),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id),
  FOREIGN KEY (commune_id, contact_id) REFERENCES courrier_contact (commune_id, id)
);
CREATE INDEX courrier_outgoing_mail_idx ON courrier_outgoing (commune_id, mail_id);

-- Electronic registered letters (domain rules §10): one per sending, its provider's reference,
-- status, cost in cents (pilotage's savings model) and proofs (bytes in the blob store).
CREATE TABLE courrier_lre_send (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  outgoing_id uuid NOT NULL,
  provider text NOT NULL CHECK (length(provider) BETWEEN 1 AND 60),
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
  recipient_email text NOT NULL,
  consent_ref text,
  status text NOT NULL CHECK (status IN ('depose', 'notifie', 'accepte', 'refuse', 'non_reclame')),
  cost_cents integer NOT NULL CHECK (cost_cents >= 0),
  deposited_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, id),
  UNIQUE (provider, external_id),
  FOREIGN KEY (commune_id, outgoing_id) REFERENCES courrier_outgoing (commune_id, id)
);

CREATE TABLE courrier_lre_proof (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  send_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('depot', 'reception', 'refus', 'non_reclame')),
  name text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (send_id, kind),
  FOREIGN KEY (commune_id, send_id) REFERENCES courrier_lre_send (commune_id, id)
);

ALTER TABLE courrier_contact ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_contact FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_contact
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_mail ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_mail FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_mail
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_document ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_document FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_document
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_mail_person ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_mail_person FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_mail_person
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_history
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_outgoing ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_outgoing FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_outgoing
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_lre_send ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_lre_send FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_lre_send
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_lre_proof ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_lre_proof FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_lre_proof
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
