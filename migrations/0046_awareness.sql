-- 0046: cyber awareness (issue 17, decision 0053): the staff information notice (published before
-- any campaign), phishing-simulation campaigns and their recipients, the events tracked for each
-- recipient (no payload column: nothing typed on the fake page can be stored), the phishing reports
-- of agents (real suspicious mails, the security officer's queue) and training completions.
-- Every table is scoped by commune with forced row-level security.
CREATE TABLE awareness_notice (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  body text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by uuid NOT NULL REFERENCES account (id)
);

CREATE TABLE awareness_campaign (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  scenario text NOT NULL,
  target_service_ids uuid[] NOT NULL DEFAULT '{}',
  target_roles text[] NOT NULL DEFAULT '{}',
  window_hours integer NOT NULL CHECK (window_hours BETWEEN 1 AND 168),
  starts_at timestamptz NOT NULL,
  created_by uuid NOT NULL REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX awareness_campaign_commune ON awareness_campaign (commune_id, created_at DESC);

CREATE TABLE awareness_recipient (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  campaign_id uuid NOT NULL REFERENCES awareness_campaign (id),
  account_id uuid NOT NULL REFERENCES account (id),
  -- The person's services when the campaign was launched (results per service).
  service_ids uuid[] NOT NULL DEFAULT '{}',
  send_at timestamptz NOT NULL,
  -- SHA-256 of the recipient's link secret, set when the mail is queued (the secret is only in the mail).
  token_hash text UNIQUE,
  outbox_id uuid,
  UNIQUE (campaign_id, account_id)
);
CREATE INDEX awareness_recipient_account ON awareness_recipient (commune_id, account_id);

CREATE TABLE awareness_event (
  recipient_id uuid NOT NULL REFERENCES awareness_recipient (id),
  commune_id uuid NOT NULL REFERENCES commune (id),
  kind text NOT NULL CHECK (kind IN ('ouvert', 'clique', 'soumis', 'signale')),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  -- The first occurrence of each kind counts.
  PRIMARY KEY (recipient_id, kind)
);

CREATE TABLE awareness_report (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  content text NOT NULL CHECK (length(content) BETWEEN 1 AND 20000),
  created_at timestamptz NOT NULL DEFAULT now(),
  handled_at timestamptz
);
CREATE INDEX awareness_report_queue ON awareness_report (commune_id, created_at DESC);

CREATE TABLE awareness_training_completion (
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  training text NOT NULL,
  score integer NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, account_id, training)
);

ALTER TABLE awareness_notice ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_notice FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_notice
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_campaign ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_campaign FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_campaign
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_recipient ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_recipient FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_recipient
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_event
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_report ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_report FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_report
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_training_completion ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_training_completion FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_training_completion
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

-- Security incidents declared by agents (what, when, which machine or account), the security
-- officer's checklist (steps done), and for a personal-data breach the CNIL deadline, counted from
-- the declaration (RGPD art. 33: 72 hours after becoming aware).
CREATE TABLE awareness_incident (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  declared_by uuid NOT NULL REFERENCES account (id),
  declared_at timestamptz NOT NULL DEFAULT now(),
  what text NOT NULL CHECK (length(what) BETWEEN 1 AND 5000),
  occurred_at timestamptz,
  asset text NOT NULL DEFAULT '' CHECK (length(asset) <= 300),
  personal_data text NOT NULL CHECK (personal_data IN ('oui', 'non', 'inconnu')),
  steps text[] NOT NULL DEFAULT '{}',
  closed_at timestamptz
);
CREATE INDEX awareness_incident_queue ON awareness_incident (commune_id, declared_at DESC);
ALTER TABLE awareness_incident ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_incident FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_incident
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
