-- Citizen portal and request routing (GRC): démarches (catalogue entries) with versioned form
-- definitions, drafts, requests with a per-commune number, their history (status changes,
-- assignments, messages, internal notes), files, routing rules and the classifier's examples.

CREATE TABLE procedure (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text NOT NULL,
  category text NOT NULL,
  audience text NOT NULL DEFAULT 'anyone' CHECK (audience IN ('anyone', 'signedIn')),
  service_id uuid NOT NULL REFERENCES service (id),
  -- Legal rule of silence: 'accord' or 'rejet' after silence_days, with its legal basis.
  silence_kind text CHECK (silence_kind IN ('accord', 'rejet')),
  silence_days integer CHECK (silence_days > 0),
  silence_basis text,
  -- Days an agent has to process a request before it is shown as late.
  processing_days integer NOT NULL DEFAULT 30 CHECK (processing_days > 0),
  is_published boolean NOT NULL DEFAULT true,
  current_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, slug)
);

-- A submission keeps the version of the form it was made with.
CREATE TABLE form_version (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  procedure_id uuid NOT NULL REFERENCES procedure (id),
  version integer NOT NULL CHECK (version >= 1),
  definition jsonb NOT NULL,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, procedure_id, version)
);

-- Routing rules of a procedure: the first matching rule (by position) gives the service.
CREATE TABLE routing_rule (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  procedure_id uuid NOT NULL REFERENCES procedure (id),
  position integer NOT NULL,
  field_id text NOT NULL,
  equals text NOT NULL,
  service_id uuid NOT NULL REFERENCES service (id),
  UNIQUE (commune_id, procedure_id, position)
);

-- Answers saved as the citizen goes; survive a failed submit or a closed tab.
CREATE TABLE draft (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  procedure_id uuid NOT NULL REFERENCES procedure (id),
  form_version integer NOT NULL,
  account_id uuid REFERENCES account (id),
  -- Anonymous drafts are bound to a random token kept in a cookie (stored hashed).
  token_hash text,
  answers jsonb NOT NULL DEFAULT '{}',
  current_page text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (account_id IS NOT NULL OR token_hash IS NOT NULL)
);
CREATE INDEX draft_owner_idx ON draft (commune_id, account_id);

-- Per-commune counters for human numbers (n° de demande…), one row per kind and year.
CREATE TABLE commune_counter (
  commune_id uuid NOT NULL REFERENCES commune (id),
  kind text NOT NULL,
  year integer NOT NULL,
  value integer NOT NULL DEFAULT 0,
  PRIMARY KEY (commune_id, kind, year)
);

CREATE TABLE citizen_request (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  number text NOT NULL,
  procedure_id uuid REFERENCES procedure (id),
  form_version integer,
  service_id uuid NOT NULL REFERENCES service (id),
  account_id uuid REFERENCES account (id),
  -- Contact of the requester (copied at submission: the request must stay readable if the account goes).
  requester_name text NOT NULL,
  requester_email text NOT NULL,
  subject text NOT NULL,
  answers jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'nouvelle'
    CHECK (status IN ('nouvelle', 'en_cours', 'attente_usager', 'acceptee', 'refusee', 'classee')),
  assignee_id uuid REFERENCES account (id),
  channel text NOT NULL DEFAULT 'portail' CHECK (channel IN ('portail', 'guichet', 'courriel', 'api')),
  filed_by uuid REFERENCES account (id),
  -- Routing decision: how the service was chosen, with the classifier's confidence if any.
  routed_by text NOT NULL DEFAULT 'procedure' CHECK (routed_by IN ('procedure', 'rule', 'classifier', 'triage', 'agent')),
  routing_confidence real,
  routing_explanation text[],
  due_at timestamptz NOT NULL,
  silence_kind text,
  silence_date date,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, number)
);
CREATE INDEX citizen_request_inbox_idx ON citizen_request (commune_id, service_id, status, submitted_at);
CREATE INDEX citizen_request_account_idx ON citizen_request (commune_id, account_id);

-- The full history of a request. Internal notes are visible to agents only.
CREATE TABLE request_event (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  request_id uuid NOT NULL REFERENCES citizen_request (id),
  kind text NOT NULL CHECK (kind IN ('submitted', 'status', 'assigned', 'rerouted', 'message_to_citizen', 'message_from_citizen', 'internal_note', 'attachment')),
  author_id uuid REFERENCES account (id),
  author_role text NOT NULL CHECK (author_role IN ('citizen', 'agent', 'system')),
  is_internal boolean NOT NULL DEFAULT false,
  body text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_event_request_idx ON request_event (commune_id, request_id, created_at);

-- Files (uploads of citizens and agents), stored in the database by default.
CREATE TABLE stored_file (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  owner_account_id uuid REFERENCES account (id),
  draft_id uuid REFERENCES draft (id) ON DELETE SET NULL,
  request_id uuid REFERENCES citizen_request (id),
  name text NOT NULL,
  mime_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL,
  content bytea NOT NULL,
  is_internal boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stored_file_request_idx ON stored_file (commune_id, request_id);

-- Examples for the commune's routing classifier: the demo training set, then every re-routing.
CREATE TABLE routing_example (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  text text NOT NULL,
  service_slug text NOT NULL,
  source text NOT NULL CHECK (source IN ('seed', 'rerouting')),
  created_at timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['procedure', 'form_version', 'routing_rule', 'draft', 'commune_counter',
                           'citizen_request', 'request_event', 'stored_file', 'routing_example'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune())', t);
  END LOOP;
END $$;
