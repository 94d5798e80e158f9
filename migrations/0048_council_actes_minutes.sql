-- 0048: the council, issue 15 continued (decision 0055). The commune's @ctes settings (legality
-- control: the emitter of the ACTES envelope — département, arrondissement, SIREN, nature of the
-- collectivity, date of its classification, the return address), the number of the envelope a
-- délibération's transmission package was prepared with (kept: the same package on every
-- download), and the procès-verbal's draft (secretary of séance, substance of the debates) and
-- its adoption (« arrêté ») at a later séance (CGCT L2121-15).

ALTER TABLE council_setting
  ADD COLUMN actes_departement text CHECK (actes_departement IS NULL OR actes_departement ~ '^([0-9]{3}|02[AB])$'),
  ADD COLUMN actes_arrondissement text CHECK (actes_arrondissement IS NULL OR actes_arrondissement ~ '^[0-9]$'),
  ADD COLUMN actes_siren text CHECK (actes_siren IS NULL OR actes_siren ~ '^[0-9]{9}$'),
  ADD COLUMN actes_nature text CHECK (actes_nature IS NULL OR actes_nature ~ '^[0-9]{1,2}$'),
  ADD COLUMN actes_classification_date date,
  ADD COLUMN actes_return_email text CHECK (actes_return_email IS NULL OR length(actes_return_email) <= 254);

ALTER TABLE council_vote
  ADD COLUMN actes_envelope_number integer CHECK (actes_envelope_number IS NULL OR actes_envelope_number BETWEEN 1 AND 9999),
  ADD COLUMN actes_prepared_at timestamptz,
  ADD COLUMN actes_prepared_by uuid REFERENCES account (id),
  ADD CONSTRAINT council_vote_actes_prepared CHECK ((actes_envelope_number IS NULL) = (actes_prepared_at IS NULL));

ALTER TABLE council_seance
  ADD COLUMN pv_secretary_id uuid,
  ADD COLUMN pv_debates text CHECK (pv_debates IS NULL OR length(pv_debates) <= 20000),
  ADD COLUMN pv_draft_updated_at timestamptz,
  ADD COLUMN pv_adopted_at timestamptz,
  ADD COLUMN pv_adopted_seance_id uuid,
  ADD COLUMN pv_adopted_by uuid REFERENCES account (id),
  ADD CONSTRAINT council_seance_pv_secretary FOREIGN KEY (commune_id, pv_secretary_id) REFERENCES council_member (commune_id, id),
  ADD CONSTRAINT council_seance_pv_adopted_seance FOREIGN KEY (commune_id, pv_adopted_seance_id) REFERENCES council_seance (commune_id, id),
  ADD CONSTRAINT council_seance_pv_adopted CHECK ((pv_adopted_at IS NULL) = (pv_adopted_seance_id IS NULL));
