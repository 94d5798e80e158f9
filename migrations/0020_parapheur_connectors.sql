-- The parapheur (issue 10): a commune's software may subscribe to the end of a
-- circuit (signed or refused) through the webhooks it already uses for requests.
ALTER TABLE webhook_endpoint DROP CONSTRAINT webhook_endpoint_events_check;
ALTER TABLE webhook_endpoint ADD CONSTRAINT webhook_endpoint_events_check
  CHECK (cardinality(events) > 0 AND events <@ ARRAY[
    'request.created', 'request.status_changed', 'signature.circuit.completed', 'signature.circuit.refused'
  ]::text[]);

-- Reminders: a signer whose folders wait longer than this many days gets one e-mail listing
-- them (daily job); NULL: the default (3 days); 0: no reminders.
ALTER TABLE signature_setting ADD COLUMN reminder_after_days integer
  CHECK (reminder_after_days BETWEEN 0 AND 60);
