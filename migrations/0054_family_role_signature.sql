-- Issue 11 / 10: the ordonnateur signs the month's rôle (PES V2 ORMC) in the parapheur before it
-- goes to the comptable: the folder of the signature module (its id only: the signed file is read
-- through the parapheur's front door), the state of that signature and, when refused, why.
ALTER TABLE family_role
  ADD COLUMN signature_folder_id uuid,
  ADD COLUMN signature_status text CHECK (signature_status IN ('envoi', 'en_signature', 'signe', 'refuse')),
  ADD COLUMN signature_reason text,
  ADD COLUMN signature_changed_at timestamptz;
