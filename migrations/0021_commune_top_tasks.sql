-- The commune's « tâches principales » (issue 19, item 7): the public tasks an administrator
-- puts first on the commune's home page, in order, by their stable keys (`demarche:<slug>`,
-- `rendez-vous:<motif>`, `contact`…). A key whose task is no longer open is skipped on display.
ALTER TABLE commune ADD COLUMN top_tasks text[] NOT NULL DEFAULT '{}'
  CHECK (cardinality(top_tasks) <= 6);
