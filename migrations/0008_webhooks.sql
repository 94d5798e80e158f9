-- Webhooks of a commune: endpoints an admin configured (URL, events, signing secret) and the
-- deliveries made to them (one row per event and endpoint, updated at each attempt).
-- The secret is kept as given: it is needed to compute the HMAC signature of every delivery, so a
-- one-way hash cannot be stored; it is shown once to the admin and never again, and the table is
-- under Row-Level Security like every commune table.

CREATE TABLE webhook_endpoint (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  url text NOT NULL CHECK (url ~ '^https?://'),
  secret text NOT NULL,
  events text[] NOT NULL
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['request.created', 'request.status_changed']::text[]),
  active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoint_commune ON webhook_endpoint (commune_id);

CREATE TABLE webhook_delivery (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
  event text NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_status integer,
  last_error text,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (commune_id, endpoint_id, created_at DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoint', 'webhook_delivery'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
