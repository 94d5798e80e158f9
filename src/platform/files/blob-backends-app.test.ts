/**
 * The whole runtime on the fs and s3 backends (GUICHET_BLOB_STORE): bytes written in a business
 * transaction land in the configured store (not in the database), and the mail job attaches them
 * from there — it reads no module's table, only the blob address kept in the outbox row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { TEST_ENGINES } from '../../test/databases.js';
import { TEST_MAILS } from '../../test/mails.js';
import { startTestS3, type TestS3 } from '../../test/s3.js';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.js';
import { withTenant } from '../db/tenant.js';
import { queueMail } from '../mail/outbox.js';

const CASES = TEST_ENGINES.flatMap((engine) => (['fs', 's3'] as const).map((store) => ({ engine, store })));

describe.each(CASES)('blob store $store in the runtime on $engine', ({ engine, store }) => {
  let smtp: TestSmtp;
  let s3: TestS3 | undefined;
  let t: TestApp;
  let communeId: string;
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-blobs-app-'));

  beforeAll(async () => {
    smtp = await startTestSmtp();
    s3 = store === 's3' ? await startTestS3() : undefined;
    const blobEnv = s3 ? s3.env : { GUICHET_BLOB_STORE: 'fs', GUICHET_BLOB_DIR: blobDir };
    t = await createTestApp(engine, { env: { SMTP_URL: smtp.url, ...blobEnv }, queueRole: 'worker' });
    communeId = (
      await insertTestCommune(t.runtime.database, {
        slug: `blobs-${store}`,
        name: 'Blobville',
        email: 'mairie@blobville.example',
      })
    ).id;
  });
  afterAll(async () => {
    await t?.close();
    await t?.runtime.database.blobs?.close?.();
    await s3?.close();
    await smtp?.close();
    fs.rmSync(blobDir, { recursive: true, force: true });
  });

  it('keeps the bytes in the configured store and mails them as an attachment from there', async () => {
    expect(t.runtime.database.blobs?.kind).toBe(store);
    const pdf = Buffer.from(`%PDF-1.4 accusé de réception ${store} ${engine}`);
    const address = await withTenant(t.runtime.database, communeId, async (tx) => {
      const sha256 = await tx.blobs.put({ communeId }, pdf);
      await queueMail(tx, t.runtime.queue, {
        to: 'habitant@example.org',
        template: TEST_MAILS.notice,
        variables: { communeName: 'Blobville', subject: 'Votre accusé de réception', paragraphs: ['Bonjour,'] },
        attachments: [{ sha256, name: 'accuse-de-reception.pdf', mimeType: 'application/pdf' }],
      });
      return sha256;
    });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['accuse-de-reception.pdf', 'application/pdf', pdf.toString()],
    ]);
    // Not in the database: in the directory or the bucket.
    const { rows } = await t.testDb.asSuperuser('SELECT 1 FROM blob WHERE sha256 = $1', [address]);
    expect(rows).toHaveLength(0);
    if (store === 'fs') {
      const file = path.join(blobDir, 'communes', communeId, address.slice(0, 2), address.slice(2, 4), address);
      expect(fs.readFileSync(file).toString()).toBe(pdf.toString());
    }
  });
});
