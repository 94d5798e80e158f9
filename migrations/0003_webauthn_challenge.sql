-- Pending WebAuthn (passkey) challenges. Instance-level: no commune data, only random values.
-- A challenge is single-use (the row is deleted when a response comes back), expires after
-- 5 minutes, and is bound either to the session that asked to add a passkey (registration) or
-- to a random token kept in a short-lived cookie of the browser that asked to sign in
-- (authentication; the table holds its SHA-256 only).
CREATE TABLE webauthn_challenge (
  challenge text PRIMARY KEY CHECK (length(challenge) BETWEEN 16 AND 200),
  purpose text NOT NULL CHECK (purpose IN ('registration', 'authentication')),
  session_id uuid REFERENCES session (id) ON DELETE CASCADE,
  browser_hash text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (
    (purpose = 'registration' AND session_id IS NOT NULL AND browser_hash IS NULL)
    OR (purpose = 'authentication' AND browser_hash IS NOT NULL AND session_id IS NULL)
  )
);
CREATE INDEX webauthn_challenge_expires_idx ON webauthn_challenge (expires_at);
