-- 0034: the family portal's finance side (decision 0042). The commune's Hélios identifiers,
-- the monthly rôle as a PES V2 ORMC bordereau (frozen once emitted), credit notes (avoirs) on
-- invoices, dunning letters, and each invoice's history.

-- What a PES V2 flow names the commune by (domain rules §4.3): the accounting post (IdPost), the
-- SIRET of the budget (IdColl), the collectivité and budget codes (CodCol, CodBud), and the
-- revenue account the canteen and périscolaire are recorded on (Nature, e.g. 7067).
CREATE TABLE family_helios_settings (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  id_post text NOT NULL CHECK (id_post ~ '^[0-9]{6,7}$'),
  libelle_poste text NOT NULL CHECK (length(libelle_poste) BETWEEN 1 AND 100),
  siret text NOT NULL CHECK (siret ~ '^[0-9]{14}$'),
  cod_col text NOT NULL CHECK (cod_col ~ '^[0-9A-Z]{3}$'),
  cod_bud text NOT NULL CHECK (cod_bud ~ '^[0-9A-Z]{2}$'),
  nature text NOT NULL CHECK (nature ~ '^[0-9]{3,10}$'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A month's rôle: one ORMC bordereau (TypBord 06), numbered IdBord in the commune's yearly
-- sequence (commune_counter kind 'family.ormc'), emitted once: the XML is kept as sent, so a
-- second download gives the same bytes and the same number.
CREATE TABLE family_role (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  exer integer NOT NULL CHECK (exer BETWEEN 2000 AND 2999),
  id_bord integer NOT NULL CHECK (id_bord BETWEEN 1 AND 9999999),
  piece_count integer NOT NULL CHECK (piece_count >= 1),
  total_cents integer NOT NULL CHECK (total_cents > 0),
  xml text NOT NULL,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, month),
  UNIQUE (commune_id, exer, id_bord)
);

-- An invoice in a rôle is the comptable's to recover (the family pays the Trésor public).
ALTER TABLE family_invoice
  ADD COLUMN role_id uuid REFERENCES family_role (id),
  -- What credit notes took off the invoice: the balance is total_cents − credited_cents.
  ADD COLUMN credited_cents integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT family_invoice_credited_check CHECK (credited_cents BETWEEN 0 AND total_cents),
  DROP CONSTRAINT family_invoice_status_check,
  -- annulee: fully credited, nothing left to pay.
  ADD CONSTRAINT family_invoice_status_check CHECK (status IN ('a_payer', 'payee', 'annulee'));

-- A credit note cancels one line (line_id) or what is left of the invoice (line_id null),
-- numbered « AV-AAAA-NNNNNN » in the commune's yearly sequence (commune_counter 'family.avoir').
CREATE TABLE family_credit_note (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  number text NOT NULL CHECK (length(number) BETWEEN 1 AND 30),
  invoice_id uuid NOT NULL REFERENCES family_invoice (id),
  line_id uuid REFERENCES family_invoice_line (id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 3 AND 500),
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, number)
);
CREATE INDEX family_credit_note_invoice_idx ON family_credit_note (commune_id, invoice_id);
-- A line is cancelled once.
CREATE UNIQUE INDEX family_credit_note_line_idx ON family_credit_note (commune_id, line_id) WHERE line_id IS NOT NULL;

-- What happened to an invoice after its issue, for the family and the régie: credit notes,
-- the rôle it went into, dunning letters.
CREATE TABLE family_invoice_event (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  invoice_id uuid NOT NULL REFERENCES family_invoice (id),
  kind text NOT NULL CHECK (kind IN ('avoir', 'role', 'relance')),
  detail text NOT NULL CHECK (length(detail) BETWEEN 1 AND 500),
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX family_invoice_event_idx ON family_invoice_event (commune_id, invoice_id, created_at);

ALTER TABLE family_helios_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_helios_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_helios_settings
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_role FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_role
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_credit_note ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_credit_note FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_credit_note
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

ALTER TABLE family_invoice_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE family_invoice_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON family_invoice_event
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
