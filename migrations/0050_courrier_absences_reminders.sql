-- 0050: the courrier's absences and late reminders (issue 14, item 3; decision 0057).
-- An absence: from one Paris date to another (both included), the incoming mail assigned to the
-- absent agent goes to a colleague of the same commune instead; withdrawn rather than deleted,
-- so the history's « redirigé pendant l'absence de … » keeps its reason in the table too.
-- A reminder: one row per mail and Paris day on which its assignee was mailed about it (the
-- daily job's idempotency: a retried or concurrent run mails nothing twice).

CREATE TABLE courrier_absence (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  delegate_id uuid NOT NULL REFERENCES account (id),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  created_by uuid REFERENCES account (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  CHECK (ends_on >= starts_on),
  CHECK (account_id <> delegate_id)
);
CREATE INDEX courrier_absence_account_idx ON courrier_absence (commune_id, account_id, ends_on);

CREATE TABLE courrier_reminder (
  commune_id uuid NOT NULL REFERENCES commune (id),
  mail_id uuid NOT NULL,
  day date NOT NULL,
  account_id uuid NOT NULL REFERENCES account (id),
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commune_id, mail_id, day),
  FOREIGN KEY (commune_id, mail_id) REFERENCES courrier_mail (commune_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['courrier_absence', 'courrier_reminder'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
