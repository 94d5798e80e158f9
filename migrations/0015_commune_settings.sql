-- Commune settings edited by the commune's administrators (issue 19, decision 0023): the
-- legal-mentions fields (LCEN art. 6-III: editor, publication director, host), the address
-- the commune's mails come from, and retired services. The commune row stays instance-level
-- public information (no RLS, like its name and colour); services keep their RLS policy.
ALTER TABLE commune
  ADD COLUMN legal_editor text CHECK (length(legal_editor) <= 500),
  ADD COLUMN legal_director text CHECK (length(legal_director) <= 200),
  ADD COLUMN legal_host text CHECK (length(legal_host) <= 500),
  ADD COLUMN mail_from_address text CHECK (length(mail_from_address) <= 254);

-- A retired service keeps its requests and history but receives nothing new and is no longer
-- offered (routing, catalogue, transfer lists).
ALTER TABLE service ADD COLUMN retired_at timestamptz;
