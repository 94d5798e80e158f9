-- The platform's blob store (docs/decisions/0014-blob-store-content-addressed-per-scope.md): the
-- bytes of files leave the modules' tables. A blob is addressed by the SHA-256 of its content
-- within a scope: a commune's files ('communes/<id>': request uploads, receipts, agents' files)
-- or an account's ('accounts/<id>': the document vault). With GUICHET_BLOB_STORE=postgres (the
-- default) the bytes live here; with fs or s3 new bytes go there and this table keeps those
-- written before the switch (read as a fallback). Metadata rows keep the address (sha256).
CREATE TABLE blob (
  scope text NOT NULL
    CHECK (scope ~ '^(communes|accounts)/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, sha256)
);

-- Moving today's bytes. FORCE ROW LEVEL SECURITY applies to the owner running this migration
-- too: lifted for the copy only, restored below (the copy must see every commune's rows).
ALTER TABLE stored_file NO FORCE ROW LEVEL SECURITY;
ALTER TABLE supporting_document NO FORCE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox NO FORCE ROW LEVEL SECURITY;

-- The address is recomputed from the bytes themselves (the column was computed the same way).
UPDATE stored_file SET sha256 = encode(sha256(content), 'hex');
UPDATE supporting_document SET sha256 = encode(sha256(content), 'hex');
INSERT INTO blob (scope, sha256, size_bytes, content, created_at)
  SELECT DISTINCT ON (commune_id, sha256) 'communes/' || commune_id, sha256, length(content), content, created_at
    FROM stored_file ORDER BY commune_id, sha256, created_at
  ON CONFLICT (scope, sha256) DO NOTHING;
INSERT INTO blob (scope, sha256, size_bytes, content, created_at)
  SELECT DISTINCT ON (account_id, sha256) 'accounts/' || account_id, sha256, length(content), content, created_at
    FROM supporting_document ORDER BY account_id, sha256, created_at
  ON CONFLICT (scope, sha256) DO NOTHING;

-- Mails waiting with attachments referred to stored_file rows; they now carry the blob address,
-- the name and the type, so that the mail job reads no module's table.
UPDATE mail_outbox m SET attachments = COALESCE((
    SELECT jsonb_agg(jsonb_build_object('sha256', f.sha256, 'name', f.name, 'mimeType', f.mime_type) ORDER BY a.ord)
      FROM jsonb_array_elements(m.attachments) WITH ORDINALITY AS a (ref, ord)
      JOIN stored_file f ON f.commune_id = m.commune_id AND f.id = (a.ref ->> 'fileId')::uuid
  ), '[]'::jsonb)
  WHERE m.attachments <> '[]'::jsonb;

-- Nothing is dropped unless every file found its bytes.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM stored_file f
              WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.scope = 'communes/' || f.commune_id AND b.sha256 = f.sha256))
     OR EXISTS (SELECT 1 FROM supporting_document d
              WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.scope = 'accounts/' || d.account_id AND b.sha256 = d.sha256)) THEN
    RAISE EXCEPTION 'migration 0013: some files were not copied into blob';
  END IF;
END $$;

ALTER TABLE stored_file DROP COLUMN content;
ALTER TABLE supporting_document DROP COLUMN content;
ALTER TABLE stored_file ADD CONSTRAINT stored_file_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$');
-- Deleting a file looks for other rows of the same scope with the same bytes.
CREATE INDEX stored_file_sha256_idx ON stored_file (commune_id, sha256);
CREATE INDEX supporting_document_sha256_idx ON supporting_document (account_id, sha256);

ALTER TABLE stored_file FORCE ROW LEVEL SECURITY;
ALTER TABLE supporting_document FORCE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;

-- A commune's blobs in that commune's transactions only; an account's once scoped to it.
ALTER TABLE blob ENABLE ROW LEVEL SECURITY;
ALTER TABLE blob FORCE ROW LEVEL SECURITY;
CREATE POLICY scope_isolation ON blob
  USING (scope = 'communes/' || app_current_commune() OR scope = 'accounts/' || app_current_account())
  WITH CHECK (scope = 'communes/' || app_current_commune() OR scope = 'accounts/' || app_current_account());
