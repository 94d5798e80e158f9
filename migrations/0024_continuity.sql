-- 0024: continuity (issue 13, decision 0031). One row per backup, drill, offline copy or restore
-- run by Guichet: when it started and ended, how long it took (a drill's duration is the measured
-- RTO), its outcome and what it concerned. Instance-wide (no commune): the operator's record.
CREATE TABLE continuity_run (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('sauvegarde', 'exercice', 'copie_hors_ligne', 'restauration', 'export')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  outcome text NOT NULL CHECK (outcome IN ('reussi', 'echoue')),
  -- The archive concerned (file name), when there is one.
  archive text CHECK (archive IS NULL OR length(archive) <= 300),
  -- What was checked or why it failed (French, shown to the operator).
  detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 4000),
  CHECK (finished_at >= started_at)
);
CREATE INDEX continuity_run_kind_idx ON continuity_run (kind, outcome, finished_at DESC);
