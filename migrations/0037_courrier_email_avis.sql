-- 0037: the courrier's mail arriving as e-mail (issue 14, decision 0045), the avis asked of
-- another service, and what the register export needs. A mail registered from an e-mail keeps its
-- Message-ID (never registered twice in a commune) and its body text (searched in the register);
-- it may have no registrar (registered by the intake job). Attachments are the mail's documents:
-- a PDF with a text layer needs no OCR. Each commune may have one inbound mailbox read over IMAP
-- (none by default: no connection leaves Guichet unless configured), its password sealed with
-- AES-256-GCM (never stored in clear). Files refused by the intake are listed for the admin with
-- a French reason. Avis: the service in charge asks another service, or a named agent, a
-- question with a due date; the answer (favorable, défavorable, réservé + text) closes it.

ALTER TABLE courrier_mail ALTER COLUMN registered_by DROP NOT NULL;
ALTER TABLE courrier_mail ADD COLUMN message_id text CHECK (message_id IS NULL OR length(message_id) BETWEEN 1 AND 998);
ALTER TABLE courrier_mail ADD COLUMN body_text text CHECK (body_text IS NULL OR length(body_text) <= 200000);
CREATE UNIQUE INDEX courrier_mail_message_id_idx ON courrier_mail (commune_id, message_id) WHERE message_id IS NOT NULL;

ALTER TABLE courrier_document ADD COLUMN needs_ocr boolean NOT NULL DEFAULT true;

-- People named on a mail may now also be asked for an avis (they see the mail).
ALTER TABLE courrier_mail_person DROP CONSTRAINT courrier_mail_person_role_check;
ALTER TABLE courrier_mail_person ADD CONSTRAINT courrier_mail_person_role_check CHECK (role IN ('copie', 'lecteur', 'avis'));

CREATE TABLE courrier_mailbox (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  host text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  -- true: TLS from the first byte (IMAPS, usually 993); false: STARTTLS when the server offers it.
  tls boolean NOT NULL,
  username text NOT NULL CHECK (length(username) BETWEEN 1 AND 320),
  -- `gs1.<iv>.<tag>.<ciphertext>` (src/platform/secrets/seal.ts), never the password itself.
  sealed_password text NOT NULL,
  folder text NOT NULL DEFAULT 'INBOX' CHECK (length(folder) BETWEEN 1 AND 200),
  done_folder text NOT NULL DEFAULT 'Traités' CHECK (length(done_folder) BETWEEN 1 AND 200),
  enabled boolean NOT NULL DEFAULT true,
  last_polled_at timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE courrier_intake_error (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  source text NOT NULL CHECK (source IN ('depot', 'imap', 'televersement')),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 300),
  -- One French sentence, shown to the commune's administrators.
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX courrier_intake_error_idx ON courrier_intake_error (commune_id, at DESC);

CREATE TABLE courrier_avis (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  mail_id uuid NOT NULL,
  requested_by uuid NOT NULL REFERENCES account (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  -- Asked of a service, or of a named agent (always a named agent on a confidential mail).
  service_id uuid REFERENCES service (id),
  account_id uuid REFERENCES account (id),
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
  due_on date NOT NULL,
  answer text CHECK (answer IS NULL OR answer IN ('favorable', 'defavorable', 'reserve')),
  answer_text text CHECK (answer_text IS NULL OR length(answer_text) <= 4000),
  answered_by uuid REFERENCES account (id),
  answered_at timestamptz,
  CHECK ((service_id IS NULL) <> (account_id IS NULL)),
  CHECK ((answer IS NULL) = (answered_at IS NULL)),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id)
);
CREATE INDEX courrier_avis_mail_idx ON courrier_avis (commune_id, mail_id);
CREATE INDEX courrier_avis_target_idx ON courrier_avis (commune_id, answered_at, service_id, account_id);

ALTER TABLE courrier_mailbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_mailbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_mailbox
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_intake_error ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_intake_error FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_intake_error
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE courrier_avis ENABLE ROW LEVEL SECURITY;
ALTER TABLE courrier_avis FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON courrier_avis
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
