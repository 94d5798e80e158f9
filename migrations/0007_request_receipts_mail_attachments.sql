-- Receipts, "mode simple" processing links, silence delays in months, and mail attachments.
--
-- procedure.silence_months: when the legal delay of silence vaut accord / rejet is counted in
-- months (CRPA: "deux mois"), it runs from date to date; silence_days stays as the approximation.
--
-- citizen_request.receipt_file_id: the accusé de réception PDF, generated once at submission and
-- kept as a stored file (a legal document does not change afterwards).
-- citizen_request.process_token_hash: in "mode simple", the SHA-256 of the single-use token of
-- the link mailed to the secretary to mark the request as processed (cleared once used).
ALTER TABLE procedure ADD COLUMN silence_months integer CHECK (silence_months > 0);

ALTER TABLE citizen_request ADD COLUMN receipt_file_id uuid REFERENCES stored_file (id);
ALTER TABLE citizen_request ADD COLUMN process_token_hash text;
ALTER TABLE citizen_request ADD COLUMN process_token_expires_at timestamptz;
CREATE UNIQUE INDEX citizen_request_process_token_idx ON citizen_request (commune_id, process_token_hash)
  WHERE process_token_hash IS NOT NULL;

-- Mail attachments are references to stored files of the same commune (no copy of the bytes),
-- read when the mail leaves; reply_to lets a secretary answer the citizen directly.
ALTER TABLE mail_outbox ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
ALTER TABLE mail_outbox ADD COLUMN reply_to text;
