-- API tokens are under Row-Level Security, but a request to /api/v1/ does not know its commune
-- before its token is read. This function finds a token by its SHA-256, across communes, and
-- returns only what authentication needs (never the hash). It runs with the rights of its owner
-- (the role that applies migrations); EXECUTE is granted to the application role alone, by
-- grantAppRole in src/platform/db/migrate.ts (the role name is not known here).
CREATE FUNCTION api_token_by_hash(p_token_hash text)
  RETURNS TABLE (id uuid, commune_id uuid, scopes text[], expires_at timestamptz, revoked_at timestamptz,
                 last_used_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
    SELECT t.id, t.commune_id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at
      FROM api_token t
     WHERE t.token_hash = p_token_hash
  $$;
REVOKE ALL ON FUNCTION api_token_by_hash(text) FROM PUBLIC;

-- FORCE ROW LEVEL SECURITY applies to the table owner too, so the function (which runs as the
-- owner) would see no row outside a tenant transaction. This policy lets the owner role read
-- api_token, and nobody else: the application role is not the owner (checked at start-up) and
-- still sees only its commune's tokens. The owner could disable RLS anyway.
DO $$ BEGIN
  EXECUTE format('CREATE POLICY owner_token_lookup ON api_token FOR SELECT TO %I USING (true)', current_user);
END $$;
