-- 0033: after the séance (decision 0041). The délibération sent to the parapheur and signed
-- (its folder, the signed PDF's SHA-256 in the commune's blob store), put online on the commune's
-- public page (the PDF published, its SHA-256 and the date: the act is enforceable from then,
-- CGCT L2131-1), the procès-verbal published the same way, the ACTES matière of each item for the
-- SCDL « Délibérations » export, the SIRET of the commune that export needs, and the proof of
-- postal convocations (the letter batch's SHA-256).

ALTER TABLE council_item ADD COLUMN matiere_code text
  CHECK (matiere_code IS NULL OR matiere_code ~ '^[1-9]\.[0-9]{1,2}$');

ALTER TABLE council_vote
  ADD COLUMN signature_folder_id uuid,
  ADD COLUMN signature_folder_number text,
  ADD COLUMN sent_for_signature_at timestamptz,
  ADD COLUMN signed_at timestamptz,
  ADD COLUMN signed_sha256 text CHECK (signed_sha256 IS NULL OR signed_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN signature_refusal text CHECK (signature_refusal IS NULL OR length(signature_refusal) <= 2000),
  ADD COLUMN published_sha256 text CHECK (published_sha256 IS NULL OR published_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN published_by uuid REFERENCES account (id),
  -- Only a numbered (adopted) délibération is published, always with the PDF put online.
  ADD CONSTRAINT council_vote_published_pdf CHECK (
    published_at IS NULL OR (published_sha256 IS NOT NULL AND deliberation_number IS NOT NULL)),
  ADD CONSTRAINT council_vote_signed_pdf CHECK (signed_at IS NULL OR signed_sha256 IS NOT NULL);
CREATE UNIQUE INDEX council_vote_folder_idx ON council_vote (commune_id, signature_folder_id)
  WHERE signature_folder_id IS NOT NULL;
CREATE INDEX council_vote_published_idx ON council_vote (commune_id, published_at) WHERE published_at IS NOT NULL;

-- The procès-verbal (L2121-15): published within a week of the séance that adopts it.
ALTER TABLE council_seance
  ADD COLUMN pv_published_at timestamptz,
  ADD COLUMN pv_sha256 text CHECK (pv_sha256 IS NULL OR pv_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN pv_published_by uuid REFERENCES account (id),
  ADD CONSTRAINT council_seance_pv_pdf CHECK (pv_published_at IS NULL OR pv_sha256 IS NOT NULL);

-- Postal convocations (members who did not consent to electronic ones): the posting date is the
-- proof's instant, and the letter batch printed for them is kept.
ALTER TABLE council_convocation ADD COLUMN letter_sha256 text
  CHECK (letter_sha256 IS NULL OR letter_sha256 ~ '^[0-9a-f]{64}$');

CREATE TABLE council_setting (
  commune_id uuid PRIMARY KEY REFERENCES commune (id),
  -- SIRET of the commune (COLL_SIRET of the SCDL export): 9 digits of SIREN and 5 of NIC.
  siret text CHECK (siret IS NULL OR siret ~ '^[0-9]{14}$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES account (id)
);
ALTER TABLE council_setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_setting FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON council_setting
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
