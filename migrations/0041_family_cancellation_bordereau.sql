-- 0041: the family portal's annulation-réduction bordereaux (decision 0048). A credit note on an
-- invoice already in an emitted rôle reduces a debt the comptable holds: it goes to him as a
-- PES V2 recette bordereau of its own (TypBord 02), numbered IdBord in the commune's yearly
-- sequence of that type (commune_counter kind 'family.ormc.annulation'), emitted once and kept as
-- sent. Each credit note goes into one bordereau at most.
CREATE TABLE family_cancellation (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  role_id uuid NOT NULL REFERENCES family_role (id),
  exer integer NOT NULL CHECK (exer BETWEEN 2000 AND 2999),
  id_bord integer NOT NULL CHECK (id_bord BETWEEN 1 AND 9999999),
  piece_count integer NOT NULL CHECK (piece_count >= 1),
  total_cents integer NOT NULL CHECK (total_cents > 0),
  xml text NOT NULL,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, exer, id_bord)
);
CREATE INDEX family_cancellation_role_idx ON family_cancellation (commune_id, role_id, created_at);

ALTER TABLE family_credit_note ADD COLUMN cancellation_id uuid REFERENCES family_cancellation (id);

ALTER TABLE family_cancellation ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_cancellation FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_cancellation
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
