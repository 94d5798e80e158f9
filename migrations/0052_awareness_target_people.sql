-- Issue 17: a campaign may also target named members of the staff (« une liste »), beside
-- services and roles. The recipients stay the source of who was sent what; this keeps what the
-- administrator chose, as for services and roles.
ALTER TABLE awareness_campaign ADD COLUMN target_account_ids uuid[] NOT NULL DEFAULT '{}';

-- A window of 0 hours sends every message at once (GoPhish's default when no « send by » date is
-- given): for a small team, or a second exercise with one person.
ALTER TABLE awareness_campaign DROP CONSTRAINT awareness_campaign_window_hours_check;
ALTER TABLE awareness_campaign ADD CONSTRAINT awareness_campaign_window_hours_check CHECK (window_hours BETWEEN 0 AND 168);
