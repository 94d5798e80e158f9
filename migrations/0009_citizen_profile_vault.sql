-- "Dites-le-nous une fois": a citizen's profile (phone, postal address), household members and
-- document vault ("mes justificatifs"). Like the account, these are instance-wide (one person, one
-- account for every commune of the instance): no commune_id. They are owned by one account, and
-- Row-Level Security keyed on the per-transaction setting app.account_id makes another account's
-- rows invisible even to a query that forgets its `WHERE account_id` (decision 0010).

-- The account whose personal records the current transaction may read or write, or NULL.
-- NULLIF for the same reason as app_current_commune() (decision 0003).
CREATE FUNCTION app_current_account() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.account_id', true), '')::uuid $$;

-- Contact details given once, prefilled into démarches. Phone stored normalised
-- ("06 12 34 56 78" or "+32470123456"); postcode as 5 digits.
CREATE TABLE citizen_profile (
  account_id uuid PRIMARY KEY REFERENCES account (id),
  phone text CHECK (length(phone) BETWEEN 1 AND 30),
  address_line1 text CHECK (length(address_line1) BETWEEN 1 AND 200),
  address_line2 text CHECK (length(address_line2) BETWEEN 1 AND 200),
  address_postcode text CHECK (address_postcode ~ '^[0-9]{5}$'),
  address_city text CHECK (length(address_city) BETWEEN 1 AND 200),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- An address is complete or absent.
  CHECK ((address_line1 IS NULL) = (address_postcode IS NULL) AND (address_line1 IS NULL) = (address_city IS NULL)),
  CHECK (address_line2 IS NULL OR address_line1 IS NOT NULL)
);

-- People of the citizen's household (spouse or partner, children, others).
CREATE TABLE household_member (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES account (id),
  given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 200),
  family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
  birth_date date NOT NULL,
  relation text NOT NULL CHECK (relation IN ('conjoint', 'enfant', 'autre')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX household_member_account_idx ON household_member (account_id, birth_date);

-- Supporting documents kept by the citizen for reuse in démarches. The bytes live in the
-- database, like démarche uploads (stored_file); a copy goes into a request when it is used.
CREATE TABLE supporting_document (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES account (id),
  kind text NOT NULL CHECK (kind IN ('justificatif_domicile', 'attestation_caf', 'piece_identite',
                                     'livret_famille', 'rib', 'avis_imposition', 'autre')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  mime_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  issued_on date,
  valid_until date,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until IS NULL OR issued_on IS NULL OR valid_until >= issued_on)
);
CREATE INDEX supporting_document_account_idx ON supporting_document (account_id, kind);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['citizen_profile', 'household_member', 'supporting_document'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY account_isolation ON %I USING (account_id = app_current_account()) WITH CHECK (account_id = app_current_account())', t);
  END LOOP;
END $$;
