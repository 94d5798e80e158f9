/**
 * Migration 0013 on a database that already holds files: the bytes of stored files and vault
 * documents move into the blob store, mails waiting with attachments keep them, and everything
 * reads back through the store, checked against its address. On PostgreSQL the migration runs
 * as the owner role, which Row-Level Security binds too (FORCE): the copy must still see every row.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_APP_ROLE, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { openPostgres } from '../db/client.js';
import { MIGRATIONS_DIR, migrate } from '../db/migrate.js';
import { scopeToAccount, withTenant } from '../db/tenant.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(TEST_ENGINES)('migration 0013 (blob store) on existing files, %s', (engine) => {
  let testDb: TestDatabase;
  const before = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-migrations-'));
  const communeA = randomUUID();
  const communeB = randomUUID();
  const accountId = randomUUID();
  const upload = Buffer.from('%PDF-1.4 permis de construire');
  const sameInB = upload;
  const vaultBytes = Buffer.from('%PDF-1.4 justificatif de domicile');
  const fileA = randomUUID();
  const fileB = randomUUID();
  const documentId = randomUUID();
  const outboxId = randomUUID();

  beforeAll(async () => {
    for (const file of fs.readdirSync(MIGRATIONS_DIR)) {
      if (file < '0013') fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(before, file));
    }
    testDb = await createTestDatabase(engine, before);
    const sql = testDb.asSuperuser.bind(testDb);
    for (const [id, slug] of [
      [communeA, 'avant-a'],
      [communeB, 'avant-b'],
    ]) {
      await sql('INSERT INTO commune (id, slug, name) VALUES ($1, $2, $2)', [id, slug]);
    }
    await sql(`INSERT INTO account (id, email) VALUES ($1, 'avant@courriel.example')`, [accountId]);
    await sql(
      `INSERT INTO stored_file (id, commune_id, name, mime_type, size_bytes, sha256, content)
       VALUES ($1, $2, 'permis.pdf', 'application/pdf', $4, $5, $3), ($6, $7, 'permis-b.pdf', 'application/pdf', $4, $5, $3)`,
      [fileA, communeA, upload, upload.length, sha256(upload), fileB, communeB],
    );
    await sql(
      `INSERT INTO supporting_document (id, account_id, kind, name, mime_type, size_bytes, sha256, content)
       VALUES ($1, $2, 'justificatif_domicile', 'domicile.pdf', 'application/pdf', $3, $4, $5)`,
      [documentId, accountId, vaultBytes.length, sha256(vaultBytes), vaultBytes],
    );
    await sql(
      `INSERT INTO mail_outbox (id, commune_id, template, to_address, subject, text_body, html_body, status, attempts, attachments)
       VALUES ($1, $2, 'requestReceipt', 'usager@courriel.example', 'Accusé', 'texte', '<p>texte</p>', 'pending', 0, $3)`,
      [outboxId, communeA, JSON.stringify([{ fileId: fileA }])],
    );
    // Now the new migration, as `guichet migrate` would run it.
    if (engine === 'postgres') {
      const owner = openPostgres(testDb.ownerUrl!, TEST_APP_ROLE, 1);
      await migrate(owner.pool, TEST_APP_ROLE);
      await owner.close();
    } else {
      await testDb.database.pool.query('RESET ROLE');
      await migrate(testDb.database.pool, TEST_APP_ROLE);
      await testDb.database.pool.query(`SET ROLE ${TEST_APP_ROLE}`);
    }
  });
  afterAll(async () => {
    await testDb?.drop();
    fs.rmSync(before, { recursive: true, force: true });
  });

  it('moves the bytes into the blob store: the files of each commune read back, checked', async () => {
    for (const [communeId, fileId] of [
      [communeA, fileA],
      [communeB, fileB],
    ] as const) {
      const read = await withTenant(testDb.database, communeId, async (tx) => {
        const { rows } = await tx.client.query<{ sha256: string }>('SELECT sha256 FROM stored_file WHERE id = $1', [
          fileId,
        ]);
        return tx.blobs.get({ communeId }, rows[0]!.sha256);
      });
      expect(read.toString()).toBe(sameInB.toString());
    }
    const columns = await testDb.asSuperuser(
      `SELECT table_name FROM information_schema.columns
        WHERE column_name = 'content' AND table_name IN ('stored_file', 'supporting_document')`,
    );
    expect(columns.rows).toEqual([]);
  });

  it('keeps the vault documents, in the account scope', async () => {
    const read = await withTenant(testDb.database, communeA, async (tx) => {
      await scopeToAccount(tx, accountId);
      return tx.blobs.get({ accountId }, sha256(vaultBytes));
    });
    expect(read.toString()).toBe(vaultBytes.toString());
  });

  it('rewrites the attachments of waiting mails to blob addresses with their name and type', async () => {
    const { rows } = await testDb.asSuperuser<{ attachments: unknown }>(
      'SELECT attachments FROM mail_outbox WHERE id = $1',
      [outboxId],
    );
    expect(rows[0]!.attachments).toEqual([{ sha256: sha256(upload), name: 'permis.pdf', mimeType: 'application/pdf' }]);
  });

  it('leaves Row-Level Security forced on the tables it touched', async () => {
    const { rows } = await testDb.asSuperuser<{ relname: string; relforcerowsecurity: boolean }>(
      `SELECT relname, relforcerowsecurity FROM pg_class
        WHERE relname IN ('stored_file', 'supporting_document', 'mail_outbox', 'blob') ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: 'blob', relforcerowsecurity: true },
      { relname: 'mail_outbox', relforcerowsecurity: true },
      { relname: 'stored_file', relforcerowsecurity: true },
      { relname: 'supporting_document', relforcerowsecurity: true },
    ]);
  });
});
