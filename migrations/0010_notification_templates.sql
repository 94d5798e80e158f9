-- Citizen notifications editable per commune, and SMS.
-- notification_template: the commune's own subject and text of a notification (request received,
-- each status change, new message, SMS on status change); no row = Guichet's default French text.
-- notification_setting: the commune's choices (SMS on status change, off by default).
-- sms_outbox: every SMS to send, written in the business transaction with its sms.send job; the
-- number is kept for the retries of that job and shown to nobody but the demo SMS page.

CREATE TABLE notification_template (
  commune_id uuid NOT NULL REFERENCES commune (id),
  key text NOT NULL CHECK (key ~ '^[a-z]+(\.[a-z_]+)+$'),
  -- NULL for an SMS (no subject).
  subject text CHECK (subject IS NULL OR char_length(subject) BETWEEN 1 AND 200),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, key)
);

CREATE TABLE notification_setting (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  sms_on_status_change boolean NOT NULL DEFAULT false,
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sms_outbox (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  template text NOT NULL,
  -- E.164, e.g. +33612345678.
  to_number text NOT NULL CHECK (to_number ~ '^\+[1-9][0-9]{6,14}$'),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 1000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  provider text,
  provider_message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX sms_outbox_status_idx ON sms_outbox (commune_id, status, created_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notification_template', 'notification_setting', 'sms_outbox'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
