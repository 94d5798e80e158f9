-- Identity: accounts (instance-wide), memberships and roles per commune, server-side sessions,
-- second factors (TOTP, recovery codes, passkeys), federated identities (FranceConnect,
-- ProConnect), one-time e-mail tokens, brute-force throttling, API tokens per commune.

-- One person, one account for the whole instance (an OPSN hosts many communes); what the
-- person may do in a commune comes from their memberships. Personal data here is read only
-- through the identity repositories.
CREATE TABLE account (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
  email_verified_at timestamptz,
  password_hash text,
  password_policy_version integer,
  password_set_at timestamptz,
  given_name text NOT NULL DEFAULT '' CHECK (length(given_name) <= 200),
  family_name text NOT NULL DEFAULT '' CHECK (length(family_name) <= 200),
  birth_date date,
  is_operator boolean NOT NULL DEFAULT false,
  mfa_required_from timestamptz,
  disabled_at timestamptz,
  deletion_requested_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

-- Role of an account in a commune. Agents are attached to services; the mayor, the DGS and the
-- commune admin see across services. A citizen membership records the consent to that commune.
CREATE TABLE membership (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  account_id uuid NOT NULL REFERENCES account (id),
  role text NOT NULL CHECK (role IN ('citizen', 'agent', 'councillor', 'mayor', 'dgs', 'admin')),
  service_ids uuid[] NOT NULL DEFAULT '{}',
  invited_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_id, account_id, role)
);
CREATE INDEX membership_account_idx ON membership (account_id);

ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON membership
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());

-- Server-side sessions: the cookie carries a random token, the table its SHA-256.
CREATE TABLE session (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  account_id uuid NOT NULL REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  mfa_verified_at timestamptz,
  reauthenticated_at timestamptz,
  auth_method text NOT NULL,
  client_address text,
  user_agent text,
  revoked_at timestamptz
);
CREATE INDEX session_account_idx ON session (account_id, revoked_at);

-- Failed attempts per account and per network, with progressive delays and lockout.
CREATE TABLE auth_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_failure_at timestamptz NOT NULL DEFAULT now()
);

-- Single-use tokens sent by e-mail (address verification, password reset, invitation), hashed.
CREATE TABLE email_token (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invitation')),
  account_id uuid NOT NULL REFERENCES account (id),
  commune_id uuid REFERENCES commune (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE totp_factor (
  account_id uuid PRIMARY KEY REFERENCES account (id),
  secret_encrypted text NOT NULL,
  confirmed_at timestamptz,
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recovery_code (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES account (id),
  code_hash text NOT NULL,
  used_at timestamptz
);
CREATE INDEX recovery_code_account_idx ON recovery_code (account_id);

CREATE TABLE passkey (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES account (id),
  credential_id text NOT NULL UNIQUE,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX passkey_account_idx ON passkey (account_id);

-- Identity-provider subjects (FranceConnect, ProConnect). `sub` differs per provider and is
-- never shown; ProConnect accounts are reconciled by professional e-mail.
CREATE TABLE federated_identity (
  provider text NOT NULL,
  subject text NOT NULL,
  account_id uuid NOT NULL REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz,
  PRIMARY KEY (provider, subject)
);

CREATE TABLE api_token (
  id uuid PRIMARY KEY,
  commune_id uuid NOT NULL REFERENCES commune (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_by uuid REFERENCES account (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);

ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_token FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_token
  USING (commune_id = app_current_commune()) WITH CHECK (commune_id = app_current_commune());
