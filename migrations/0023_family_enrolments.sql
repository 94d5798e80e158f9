-- 0023: enrolments in the family portal's activities, with a waiting list that promotes families
-- by itself. An activity opened for enrolment may have a capacity; a child is enrolled while a
-- place is free, else waits in line (by the time the family asked). A freed place is offered to
-- the first family in line, which has offer_days to confirm it; past that, the offer expires and
-- the next family is offered the place. The child's name and birth date are copied from the
-- family's profile (instance-wide, account-scoped) so the commune's staff can read them.
ALTER TABLE family_activity
  ADD COLUMN open_for_enrolment boolean NOT NULL DEFAULT false,
  ADD COLUMN capacity integer CHECK (capacity IS NULL OR capacity BETWEEN 0 AND 100000),
  ADD COLUMN offer_days integer NOT NULL DEFAULT 3 CHECK (offer_days BETWEEN 1 AND 30);

CREATE TABLE family_enrolment (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  activity_id uuid NOT NULL,
  -- The guardian who asked (their account), and the child from their household.
  account_id uuid NOT NULL REFERENCES account (id),
  child_id uuid NOT NULL,
  child_name text NOT NULL CHECK (length(child_name) BETWEEN 1 AND 401),
  child_birth_date date NOT NULL,
  status text NOT NULL CHECK (status IN ('inscrit', 'en_attente', 'place_proposee', 'annulee', 'expiree')),
  -- Place in the waiting list: the time the family asked.
  requested_at timestamptz NOT NULL DEFAULT now(),
  offered_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'place_proposee') = (offered_until IS NOT NULL)),
  FOREIGN KEY (commune_id, activity_id) REFERENCES family_activity (commune_id, id)
);
-- A child holds at most one live enrolment per activity.
CREATE UNIQUE INDEX family_enrolment_live_idx ON family_enrolment (commune_id, activity_id, child_id)
  WHERE status IN ('inscrit', 'en_attente', 'place_proposee');
CREATE INDEX family_enrolment_queue_idx ON family_enrolment (commune_id, activity_id, status, requested_at);
CREATE INDEX family_enrolment_account_idx ON family_enrolment (commune_id, account_id);

ALTER TABLE family_enrolment ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_enrolment FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_enrolment
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
