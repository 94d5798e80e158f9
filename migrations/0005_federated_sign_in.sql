-- Federated sign-in (FranceConnect, ProConnect). A pending authorization lives from the redirect
-- to the identity provider until the browser comes back (10 minutes at most), and serves once.
-- The table holds the SHA-256 of the state and of the browser-binding cookie, never their clear
-- values; the nonce and the PKCE verifier are kept until the code is exchanged (useless without
-- the code, the client secret and the browser's cookie). The same table tracks the state of a
-- sign-out at the provider (purpose 'sign_out').
CREATE TABLE oidc_authorization (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  provider text NOT NULL CHECK (provider IN ('franceconnect', 'proconnect')),
  purpose text NOT NULL CHECK (purpose IN ('sign_in', 'sign_out')),
  state_hash text NOT NULL UNIQUE,
  browser_hash text,
  nonce text CHECK (length(nonce) BETWEEN 32 AND 200),
  code_verifier text CHECK (length(code_verifier) BETWEEN 43 AND 128),
  return_path text NOT NULL CHECK (length(return_path) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  CHECK (purpose = 'sign_out' OR (browser_hash IS NOT NULL AND nonce IS NOT NULL AND code_verifier IS NOT NULL))
);
CREATE INDEX oidc_authorization_expires_idx ON oidc_authorization (commune_id, expires_at);

ALTER TABLE oidc_authorization ENABLE ROW LEVEL SECURITY;
ALTER TABLE oidc_authorization FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON oidc_authorization
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

-- The ID token of a federated session, sent back as id_token_hint when the person signs out
-- at the provider; cleared once used.
ALTER TABLE session ADD COLUMN federated_id_token text CHECK (length(federated_id_token) <= 20000);
