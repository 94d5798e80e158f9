-- 0053: reminders of the short trainings (issue 17 §4, decision 0059). A commune's awareness
-- settings (the monthly reminder of the trainings, on unless an administrator switches it off),
-- and one row per person and Paris month reminded: the job mails a person at most once a month,
-- however often it runs. Scoped by commune with forced row-level security.
CREATE TABLE awareness_settings (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  training_reminders boolean NOT NULL DEFAULT true,
  updated_by uuid REFERENCES account (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE awareness_training_reminder (
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  -- The Paris month of the reminder, YYYY-MM.
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  outbox_id uuid,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, account_id, month)
);

ALTER TABLE awareness_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_settings
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE awareness_training_reminder ENABLE ROW LEVEL SECURITY;
ALTER TABLE awareness_training_reminder FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON awareness_training_reminder
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
