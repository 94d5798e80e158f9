-- Issue 17: a campaign may also target named members of the staff (« une liste »), beside
-- services and roles. The recipients stay the source of who was sent what; this keeps what the
-- administrator chose, as for services and roles.
ALTER TABLE awareness_campaign ADD COLUMN target_account_ids uuid[] NOT NULL DEFAULT '{}';
