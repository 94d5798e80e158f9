-- The status workflow of each démarche (src/modules/requests/workflow.ts): the outcomes it uses,
-- its own names for statuses and its steps inside "en cours". NULL = the default workflow.
ALTER TABLE procedure ADD COLUMN workflow jsonb;

-- The step of a request en cours (a key of its démarche's workflow), NULL otherwise.
ALTER TABLE citizen_request ADD COLUMN step text
  CHECK (step IS NULL OR (status = 'en_cours' AND length(step) BETWEEN 1 AND 60));
