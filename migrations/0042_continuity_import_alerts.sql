-- 0042: continuity (issue 13, decision 0049). `guichet import` records its runs like the other
-- continuity commands; and the operator's e-mail when a tier is late is sent at most once a day per
-- tier: one row per tier and day (Europe/Paris) it was queued. Both instance-wide (no commune).
ALTER TABLE continuity_run DROP CONSTRAINT continuity_run_kind_check;
ALTER TABLE continuity_run ADD CONSTRAINT continuity_run_kind_check
  CHECK (kind IN ('sauvegarde', 'exercice', 'copie_hors_ligne', 'restauration', 'export', 'import'));

CREATE TABLE continuity_alert (
  tier text NOT NULL CHECK (tier IN ('sauvegarde', 'exercice', 'copie_hors_ligne')),
  day date NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  -- When the tier's last success was (NULL: never), as told in the mail.
  last_success_at timestamptz,
  PRIMARY KEY (tier, day)
);
