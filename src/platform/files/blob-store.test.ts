/**
 * The blob store contract, run against every backend: PostgreSQL (table `blob`, on both engines),
 * a directory (temporary) and S3 (s3rver on 127.0.0.1). Bytes come back as stored, addressed by
 * their SHA-256; damaged bytes are an error, never returned; scopes do not see each other.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { startTestS3, type TestS3 } from '../../test/s3.js';
import { scopeToAccount, withTenant } from '../db/tenant.js';
import {
  type BlobBackend,
  BlobIntegrityError,
  BlobNotFoundError,
  type BlobScope,
  postgresBlobBackend,
  scopeKey,
  withPostgresFallback,
} from './blob-store.js';
import { fsBlobBackend } from './fs-blob-store.js';
import { s3BlobBackend } from './s3-blob-store.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface BackendCase {
  name: string;
  make(): Promise<BlobBackend>;
  /** Replaces the stored bytes behind the store's back (disk fault, tampering). */
  corrupt(scope: BlobScope, address: string, bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

describe.each(TEST_ENGINES)('blob store on %s', (engine) => {
  let testDb: TestDatabase;
  let s3: TestS3;
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-blobs-'));
  let s3Backend: ReturnType<typeof s3BlobBackend>;

  beforeAll(async () => {
    testDb = await createTestDatabase(engine);
    s3 = await startTestS3();
    s3Backend = s3BlobBackend(s3.config);
  });
  afterAll(async () => {
    await s3Backend?.close?.();
    await s3?.close();
    await testDb?.drop();
    fs.rmSync(blobDir, { recursive: true, force: true });
  });

  const cases: BackendCase[] = [
    {
      name: 'postgres',
      make: async () => postgresBlobBackend(),
      async corrupt(scope, address, bytes) {
        await testDb.asSuperuser('UPDATE blob SET content = $3 WHERE scope = $1 AND sha256 = $2', [
          scopeKey(scope),
          address,
          bytes,
        ]);
      },
      close: async () => {},
    },
    {
      name: 'fs',
      make: () => fsBlobBackend(blobDir),
      async corrupt(scope, address, bytes) {
        const file = path.join(blobDir, scopeKey(scope), address.slice(0, 2), address.slice(2, 4), address);
        fs.chmodSync(file, 0o640);
        fs.writeFileSync(file, bytes);
      },
      close: async () => {},
    },
    {
      name: 's3',
      make: async () => s3Backend,
      async corrupt(scope, address, bytes) {
        await s3Backend.client.send(
          new PutObjectCommand({ Bucket: s3.config.bucket, Key: s3Backend.keyOf(scope, address), Body: bytes }),
        );
      },
      close: async () => {},
    },
  ];

  describe.each(cases)('backend $name', (backendCase) => {
    let backend: BlobBackend;
    const communeA = randomUUID();
    const communeB = randomUUID();
    const inCommune = <T>(communeId: string, work: Parameters<typeof withTenant<T>>[2]) =>
      withTenant(testDb.database, communeId, work);

    beforeAll(async () => {
      backend = await backendCase.make();
      testDb.database.blobs = backend;
    });
    afterAll(async () => {
      testDb.database.blobs = undefined;
      await backendCase.close();
    });

    it('stores bytes under their SHA-256 and gives them back unchanged', async () => {
      const bytes = randomBytes(300_000);
      const address = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, bytes));
      expect(address).toBe(sha256(bytes));
      const read = await inCommune(communeA, (tx) => tx.blobs.get({ communeId: communeA }, address));
      expect(Buffer.compare(read, bytes)).toBe(0);
      expect(await inCommune(communeA, (tx) => tx.blobs.exists({ communeId: communeA }, address))).toBe(true);
    });

    it('stores the same bytes twice as one blob, and empty files too', async () => {
      const bytes = Buffer.from('deux fois le même fichier');
      const first = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, bytes));
      const second = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, Buffer.from(bytes)));
      expect(second).toBe(first);
      const empty = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, Buffer.alloc(0)));
      expect((await inCommune(communeA, (tx) => tx.blobs.get({ communeId: communeA }, empty))).length).toBe(0);
    });

    it('says a missing blob is missing', async () => {
      const absent = sha256(Buffer.from('jamais stocké'));
      expect(await inCommune(communeA, (tx) => tx.blobs.exists({ communeId: communeA }, absent))).toBe(false);
      await expect(inCommune(communeA, (tx) => tx.blobs.get({ communeId: communeA }, absent))).rejects.toBeInstanceOf(
        BlobNotFoundError,
      );
    });

    it('refuses to return damaged bytes: a blob that no longer matches its address is an error', async () => {
      const bytes = Buffer.from('%PDF-1.7 attestation de domicile');
      const address = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, bytes));
      await backendCase.corrupt({ communeId: communeA }, address, Buffer.from('%PDF-1.7 attestation modifiée'));
      const error = await inCommune(communeA, (tx) => tx.blobs.get({ communeId: communeA }, address)).catch((e) => e);
      expect(error).toBeInstanceOf(BlobIntegrityError);
      expect((error as BlobIntegrityError).address).toBe(address);
    });

    it('keeps scopes apart: a commune does not see the blobs of another commune or of an account', async () => {
      const bytes = Buffer.from(`fichier de la commune A ${randomUUID()}`);
      const address = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, bytes));
      await expect(inCommune(communeB, (tx) => tx.blobs.get({ communeId: communeB }, address))).rejects.toBeInstanceOf(
        BlobNotFoundError,
      );
      const accountId = randomUUID();
      const vault = Buffer.from(`justificatif ${randomUUID()}`);
      const vaultAddress = await inCommune(communeA, async (tx) => {
        await scopeToAccount(tx, accountId);
        return tx.blobs.put({ accountId }, vault);
      });
      await expect(
        inCommune(communeA, (tx) => tx.blobs.get({ accountId: randomUUID() }, vaultAddress)),
      ).rejects.toBeInstanceOf(BlobNotFoundError);
      const back = await inCommune(communeA, async (tx) => {
        await scopeToAccount(tx, accountId);
        return tx.blobs.get({ accountId }, vaultAddress);
      });
      expect(back.toString()).toBe(vault.toString());
    });

    it('deletes a blob once the transaction that deleted it commits, and not when it rolls back', async () => {
      const bytes = Buffer.from(`à effacer ${randomUUID()}`);
      const address = await inCommune(communeA, (tx) => tx.blobs.put({ communeId: communeA }, bytes));
      await expect(
        inCommune(communeA, async (tx) => {
          await tx.blobs.delete({ communeId: communeA }, address);
          throw new Error('annulé');
        }),
      ).rejects.toThrow('annulé');
      expect(await inCommune(communeA, (tx) => tx.blobs.exists({ communeId: communeA }, address))).toBe(true);
      await inCommune(communeA, (tx) => tx.blobs.delete({ communeId: communeA }, address));
      expect(await inCommune(communeA, (tx) => tx.blobs.exists({ communeId: communeA }, address))).toBe(false);
    });

    it('rejects an address that is not a SHA-256', async () => {
      await expect(
        inCommune(communeA, (tx) => tx.blobs.get({ communeId: communeA }, '../../etc/passwd')),
      ).rejects.toThrow(/64 lowercase hex/);
    });
  });

  it('postgres: bytes written in a transaction that rolls back are not kept', async () => {
    testDb.database.blobs = postgresBlobBackend();
    const communeId = randomUUID();
    const bytes = Buffer.from(`annulé ${randomUUID()}`);
    await expect(
      withTenant(testDb.database, communeId, async (tx) => {
        await tx.blobs.put({ communeId }, bytes);
        throw new Error('échec métier');
      }),
    ).rejects.toThrow('échec métier');
    const { rows } = await testDb.asSuperuser('SELECT 1 FROM blob WHERE sha256 = $1', [sha256(bytes)]);
    expect(rows).toHaveLength(0);
    testDb.database.blobs = undefined;
  });

  it('fs: writes through a temporary file, leaves none behind, and lays blobs out as <scope>/ab/cd/<sha256>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-blobs-layout-'));
    // A write interrupted by a crash left a temporary file: cleaned at start.
    fs.mkdirSync(path.join(dir, '.tmp'));
    fs.writeFileSync(path.join(dir, '.tmp', 'interrompu'), 'moitié');
    testDb.database.blobs = await fsBlobBackend(dir);
    const communeId = randomUUID();
    const bytes = Buffer.from('plan cadastral');
    const address = await withTenant(testDb.database, communeId, (tx) => tx.blobs.put({ communeId }, bytes));
    const file = path.join(dir, 'communes', communeId, address.slice(0, 2), address.slice(2, 4), address);
    expect(fs.readFileSync(file, 'utf8')).toBe('plan cadastral');
    expect(fs.readdirSync(path.join(dir, '.tmp'))).toEqual([]);
    testDb.database.blobs = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fs and s3 read the files written in the database before the switch (blob table)', async () => {
    const communeId = randomUUID();
    const bytes = Buffer.from(`ancien fichier ${randomUUID()}`);
    testDb.database.blobs = postgresBlobBackend();
    const address = await withTenant(testDb.database, communeId, (tx) => tx.blobs.put({ communeId }, bytes));
    for (const primary of [await fsBlobBackend(blobDir), s3Backend]) {
      testDb.database.blobs = withPostgresFallback(primary);
      const read = await withTenant(testDb.database, communeId, (tx) => tx.blobs.get({ communeId }, address));
      expect(read.toString()).toBe(bytes.toString());
      // New bytes go to the new backend, not to the table.
      const fresh = Buffer.from(`nouveau ${primary.kind} ${randomUUID()}`);
      const freshAddress = await withTenant(testDb.database, communeId, (tx) => tx.blobs.put({ communeId }, fresh));
      expect((await testDb.asSuperuser('SELECT 1 FROM blob WHERE sha256 = $1', [freshAddress])).rows).toHaveLength(0);
      expect(await withTenant(testDb.database, communeId, (tx) => tx.blobs.exists({ communeId }, freshAddress))).toBe(
        true,
      );
    }
    testDb.database.blobs = undefined;
  });
});
