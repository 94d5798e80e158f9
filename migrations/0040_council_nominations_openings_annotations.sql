-- 0040: the council, end of issue 15 (decision 0047). Nominations and elections by secret ballot
-- in up to three rounds (CGCT L2122-7, L2121-21): the candidates of an item with their date of
-- birth (the eldest wins a round-3 tie) and the counts of each round. The proof of first opening
-- of a convocation (a per-recipient link, only its SHA-256 kept; the first instant is never
-- overwritten). The élus' private annotations on a séance's items, per account.

CREATE TABLE council_candidate (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  item_id uuid NOT NULL,
  member_id uuid NOT NULL,
  birth_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES account (id),
  UNIQUE (commune_id, id),
  UNIQUE (commune_id, item_id, member_id),
  FOREIGN KEY (commune_id, item_id) REFERENCES council_item (commune_id, id),
  FOREIGN KEY (commune_id, member_id) REFERENCES council_member (commune_id, id)
);

-- One row per round; `votes` maps a candidate id to its voices. Blank and void ballots apart.
CREATE TABLE council_nomination_round (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  item_id uuid NOT NULL,
  round integer NOT NULL CHECK (round BETWEEN 1 AND 3),
  votes jsonb NOT NULL CHECK (jsonb_typeof(votes) = 'object'),
  blancs integer NOT NULL CHECK (blancs >= 0),
  nuls integer NOT NULL CHECK (nuls >= 0),
  voters integer NOT NULL CHECK (voters >= 0),
  exprimes integer NOT NULL CHECK (exprimes >= 0),
  absolute_majority integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('absolute', 'relative', 'age', 'next_round', 'no_votes', 'same_age')),
  elected_candidate_id uuid,
  recorded_by uuid REFERENCES account (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, item_id, round),
  CHECK ((outcome IN ('absolute', 'relative', 'age')) = (elected_candidate_id IS NOT NULL)),
  FOREIGN KEY (commune_id, item_id) REFERENCES council_item (commune_id, id),
  FOREIGN KEY (commune_id, elected_candidate_id) REFERENCES council_candidate (commune_id, id)
);

-- Proof of first opening: the link of each electronic convocation carries its own token.
ALTER TABLE council_convocation
  ADD COLUMN open_token_hash text CHECK (open_token_hash IS NULL OR open_token_hash ~ '^[0-9a-f]{64}$'),
  ADD COLUMN first_opened_at timestamptz,
  ADD COLUMN first_opened_via text CHECK (first_opened_via IS NULL OR first_opened_via IN ('lien', 'espace')),
  ADD CONSTRAINT council_convocation_opened_via CHECK ((first_opened_at IS NULL) = (first_opened_via IS NULL));
CREATE UNIQUE INDEX council_convocation_token_idx ON council_convocation (commune_id, open_token_hash)
  WHERE open_token_hash IS NOT NULL;

-- Private annotations: visible to their author's account only (the queries filter on it too).
CREATE TABLE council_annotation (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  item_id uuid NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (commune_id, item_id) REFERENCES council_item (commune_id, id)
);
CREATE INDEX council_annotation_owner_idx ON council_annotation (commune_id, account_id, item_id);

ALTER TABLE council_candidate ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_candidate FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_candidate
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_nomination_round ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_nomination_round FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_nomination_round
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_annotation ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_annotation FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_annotation
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
