-- 0027: the council in session (issue 15, after 0025). The élus' replies to a convocation
-- (présent, absent, pouvoir), arrivals and departures per item, proxies spanning up to three
-- consecutive séances (more on certified illness, L2121-20), the closed-session flag of an item,
-- the members who take no part in a vote, and the date a délibération was put online.
CREATE TABLE council_reply (
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  member_id uuid NOT NULL,
  answer text NOT NULL CHECK (answer IN ('present', 'absent', 'pouvoir')),
  replied_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid REFERENCES account (id),
  PRIMARY KEY (commune_id, seance_id, member_id),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, member_id) REFERENCES council_member (commune_id, id)
);

-- An arrival or a departure, effective from the opening of `item_id` on.
CREATE TABLE council_movement (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  seance_id uuid NOT NULL,
  member_id uuid NOT NULL,
  item_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('arrivee', 'depart')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid REFERENCES account (id),
  FOREIGN KEY (commune_id, seance_id) REFERENCES council_seance (commune_id, id),
  FOREIGN KEY (commune_id, member_id) REFERENCES council_member (commune_id, id),
  FOREIGN KEY (commune_id, item_id) REFERENCES council_item (commune_id, id)
);
CREATE INDEX council_movement_seance_idx ON council_movement (commune_id, seance_id);

-- The séance of council_proxy is the first one covered; the proxy covers `seance_count`
-- consecutive séances from it (three at most unless illness is certified, L2121-20 al. 1).
ALTER TABLE council_proxy ADD COLUMN seance_count integer NOT NULL DEFAULT 1 CHECK (seance_count >= 1);
ALTER TABLE council_proxy ADD COLUMN illness_certified boolean NOT NULL DEFAULT false;
ALTER TABLE council_proxy ADD COLUMN recorded_by uuid REFERENCES account (id);
ALTER TABLE council_proxy ADD CONSTRAINT council_proxy_span CHECK (seance_count <= 3 OR illness_certified);

ALTER TABLE council_item ADD COLUMN closed_session boolean NOT NULL DEFAULT false;
ALTER TABLE council_vote ADD COLUMN not_voting integer NOT NULL DEFAULT 0 CHECK (not_voting >= 0);
ALTER TABLE council_vote ADD COLUMN published_at timestamptz;

ALTER TABLE council_reply ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_reply FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_reply
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
ALTER TABLE council_movement ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_movement FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_movement
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
