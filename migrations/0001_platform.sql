-- Platform tables: instance settings, communes (tenants), services, audit journal, mail outbox,
-- rate-limit counters, job idempotency keys.
-- Every tenant-owned table carries commune_id NOT NULL and is protected by Row-Level Security
-- keyed on the per-transaction setting app.commune_id (see src/platform/db/tenant.ts).
-- SQL kept in the common subset of PostgreSQL 15 and PGlite (PostgreSQL 18).

-- The tenant of the current transaction, or NULL. NULLIF: once set in a session, the setting
-- reads back as '' outside a transaction, which must mean "no tenant", not an error.
CREATE FUNCTION app_current_commune() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.commune_id', true), '')::uuid $$;

CREATE TABLE instance_setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Communes are instance-level records (public information: name, slug, colours); what a commune
-- owns lives in tenant tables below.
CREATE TABLE commune (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  insee_code text CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
  population integer CHECK (population >= 0),
  hostname text UNIQUE CHECK (hostname = lower(hostname)),
  brand_colour text NOT NULL DEFAULT '#1d70b8' CHECK (brand_colour ~ '^#[0-9a-f]{6}$'),
  address text,
  phone text,
  email text,
  opening_hours text,
  simple_mode boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  email text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, slug)
);

-- Append-only, hash-chained journal: each entry's hash covers the canonical encoding of its
-- fields and the previous entry's hash in the same commune (src/platform/audit/).
CREATE TABLE audit_entry (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  occurred_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_type text,
  target_id text,
  data jsonb NOT NULL DEFAULT '{}',
  request_id text,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  UNIQUE (commune_id, seq)
);
CREATE INDEX audit_entry_action_idx ON audit_entry (commune_id, action, occurred_at);

CREATE FUNCTION audit_entry_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_forbid_change();

-- Mail outbox: written in the business transaction, sent by the mail.send job after commit.
CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  template text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX mail_outbox_status_idx ON mail_outbox (commune_id, status, created_at);

-- Idempotency keys of enqueued jobs: a key is taken in the same transaction as the job, so a
-- retried use case never enqueues the same work twice.
CREATE TABLE job_idempotency (
  key text PRIMARY KEY,
  queue text NOT NULL,
  job_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Fixed-window rate-limit counters shared by every web process.
CREATE TABLE rate_limit (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_reset_idx ON rate_limit (reset_at);

-- Row-Level Security: the second barrier behind the repositories' own commune_id filters.
ALTER TABLE service ENABLE ROW LEVEL SECURITY;
ALTER TABLE service FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON service
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_entry FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_entry
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_outbox
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
