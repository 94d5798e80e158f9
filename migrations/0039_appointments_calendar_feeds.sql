-- Private calendar feeds of the agents (issue 12 item 8): a secret address (only its SHA-256 is
-- stored) that a calendar application reads, for one desk or for all the desks the agent works;
-- revocable, and it stops answering once its owner no longer works the desk.
CREATE TABLE appointment_feed (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  agenda_id uuid REFERENCES appointment_agenda (id),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX appointment_feed_owner ON appointment_feed (commune_id, account_id);

ALTER TABLE appointment_feed ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_feed FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON appointment_feed
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
