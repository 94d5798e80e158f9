-- 0025: the conseil municipal (CGCT L2121-1 and following). Members in office, séances with
-- their agenda, the convocations sent (one timestamped proof per member), attendance and proxies
-- per séance, quorum and votes per item, and délibérations numbered per commune and year
-- (commune_counter, kind 'deliberation'). Rules live in src/modules/council/rules.ts.
CREATE TABLE council_member (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  -- The élu's account, when they sign in to read their convocations.
  account_id uuid REFERENCES account (id),
  full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 320),
  role text NOT NULL CHECK (role IN ('maire', 'adjoint', 'conseiller_delegue', 'conseiller')),
  political_group text CHECK (political_group IS NULL OR length(political_group) <= 120),
  -- Electronic by default (L2121-10, loi 2019-1461); postal only on the councillor's request.
  channel text NOT NULL CHECK (channel IN ('electronique', 'postal')),
  electronic_consent_at timestamptz,
  postal_address text CHECK (postal_address IS NULL OR length(postal_address) <= 500),
  in_office boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (channel <> 'electronique' OR (email IS NOT NULL AND electronic_consent_at IS NOT NULL)),
  CHECK (channel <> 'postal' OR postal_address IS NOT NULL),
  UNIQUE (commune_id, id)
);
CREATE UNIQUE INDEX council_member_account_idx ON council_member (commune_id, account_id) WHERE account_id IS NOT NULL;

CREATE TABLE council_seance (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  -- Paris calendar date and time of the séance.
  seance_date date NOT NULL,
  seance_time text NOT NULL CHECK (seance_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
  place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('ordinaire', 'urgence')),
  status text NOT NULL CHECK (status IN ('preparation', 'convoquee', 'tenue', 'annulee')),
  -- A second convocation after a séance without quorum (L2121-17 al. 2): no quorum needed.
  first_seance_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, id),
  FOREIGN KEY (commune_id, first_seance_id) REFERENCES council_seance (commune_id, id)
);
CREATE INDEX council_seance_date_idx ON council_seance (commune_id, seance_date);

CREATE TABLE council_item (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  position integer NOT NULL CHECK (position >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  rapporteur_id uuid,
  -- Note explicative de synthèse (L2121-12) and documents (blob ids).
  summary text CHECK (summary IS NULL OR length(summary) <= 20000),
  document_ids uuid[] NOT NULL DEFAULT '{}',
  nomination boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, id),
  UNIQUE (commune_id, seance_id, position),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, rapporteur_id) REFERENCES council_member (commune_id, id)
);

-- Proof of sending: one row per member and séance, timestamped; electronic convocations leave
-- through the mail outbox, postal ones carry the postmark date entered by an agent.
CREATE TABLE council_convocation (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  member_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('electronique', 'postal')),
  sent_at timestamptz NOT NULL,
  recorded_by uuid REFERENCES account (id),
  UNIQUE (commune_id, seance_id, member_id),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, member_id) REFERENCES council_member (commune_id, id)
);

CREATE TABLE council_attendance (
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  member_id uuid NOT NULL,
  present boolean NOT NULL,
  PRIMARY KEY (commune_id, seance_id, member_id),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, member_id) REFERENCES council_member (commune_id, id)
);

CREATE TABLE council_proxy (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  giver_id uuid NOT NULL,
  holder_id uuid NOT NULL,
  document_id uuid,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (giver_id <> holder_id),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, giver_id) REFERENCES council_member (commune_id, id),
  FOREIGN KEY (commune_id, holder_id) REFERENCES council_member (commune_id, id)
);
-- One proxy held per member and séance, one given (L2121-20 al. 1).
CREATE UNIQUE INDEX council_proxy_holder_idx ON council_proxy (commune_id, seance_id, holder_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX council_proxy_giver_idx ON council_proxy (commune_id, seance_id, giver_id) WHERE revoked_at IS NULL;

-- The vote of an item, with the quorum found at its opening, and the délibération's number.
CREATE TABLE council_vote (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  item_id uuid NOT NULL,
  present_count integer NOT NULL CHECK (present_count >= 0),
  quorum_required integer NOT NULL CHECK (quorum_required >= 0),
  interested_ids uuid[] NOT NULL DEFAULT '{}',
  ballot text NOT NULL CHECK (ballot IN ('public', 'secret')),
  pour integer NOT NULL CHECK (pour >= 0),
  contre integer NOT NULL CHECK (contre >= 0),
  abstentions integer NOT NULL CHECK (abstentions >= 0),
  blancs integer NOT NULL DEFAULT 0 CHECK (blancs >= 0),
  president_vote text CHECK (president_vote IN ('pour', 'contre')),
  adopted boolean NOT NULL,
  deliberation_number text,
  recorded_by uuid REFERENCES account (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, item_id),
  FOREIGN KEY (commune_id, item_id) REFERENCES council_item (commune_id, id)
);
CREATE UNIQUE INDEX council_vote_number_idx ON council_vote (commune_id, deliberation_number) WHERE deliberation_number IS NOT NULL;

ALTER TABLE council_member ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_member FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_member
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_seance ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_seance FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_seance
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_item ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_item FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_item
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_convocation ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_convocation FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_convocation
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_attendance ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_attendance FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_attendance
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_proxy ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_proxy FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_proxy
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_vote ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_vote FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_vote
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
