/**
 * The blob store: the bytes of files (uploads, receipts, vault documents), content-addressed by
 * their SHA-256 and checked against it on every read. Three backends behind one interface, chosen
 * by GUICHET_BLOB_STORE (docs/decisions/0017-blob-store-content-addressed-per-scope.md):
 * - postgres (default): table `blob`, written in the business transaction, under Row-Level Security;
 * - fs: a directory, content-addressed paths, atomic writes (fs-blob-store.ts);
 * - s3: S3-compatible object storage (s3-blob-store.ts).
 *
 * Addresses are per scope: a commune's files (`communes/<id>`) or an account's vault
 * (`accounts/<id>`). The same bytes in two scopes are two blobs: no commune can learn whether
 * another holds a file, and a commune's (or an account's) files can be exported or erased as one prefix.
 * Metadata (name, type, who may see it) stays in the modules' tables, which keep the address.
 */

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { isCanonicalUuid } from '../ids.js';

/** Whose files: a commune's (request files, receipts) or an account's (the document vault). */
export type BlobScope = { communeId: string } | { accountId: string };

/** The SQL connection of the current transaction (the postgres backend writes through it). */
export type BlobConnection = Pick<pg.PoolClient, 'query'>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `communes/<uuid>` or `accounts/<uuid>`: the key prefix in every backend. */
export function scopeKey(scope: BlobScope): string {
  const [kind, id] = 'communeId' in scope ? ['communes', scope.communeId] : ['accounts', scope.accountId];
  const lower = id.toLowerCase();
  if (!isCanonicalUuid(lower)) throw new Error(`blob scope: invalid id ${id}`);
  return `${kind}/${lower}`;
}

/** The content address of bytes: SHA-256, lowercase hex. */
export function blobAddress(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function assertAddress(address: string): void {
  if (!SHA256_HEX.test(address)) throw new Error(`blob address must be 64 lowercase hex digits, got ${address}`);
}

/** No blob at this address in this scope. */
export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
  constructor(
    readonly scope: string,
    readonly address: string,
  ) {
    super(`blob ${scope}/${address} not found`);
  }
}

/** The stored bytes do not hash to their address: the blob was altered or damaged. Never returned. */
export class BlobIntegrityError extends Error {
  override name = 'BlobIntegrityError';
  constructor(
    readonly scope: string,
    readonly address: string,
    readonly actual: string,
  ) {
    super(`blob ${scope}/${address} is damaged: its content hashes to ${actual}`);
  }
}

/** Checks bytes read from a backend against their address; throws BlobIntegrityError otherwise. */
export function verified(scope: string, address: string, content: Buffer): Buffer {
  const actual = blobAddress(content);
  if (actual !== address) throw new BlobIntegrityError(scope, address, actual);
  return content;
}

/** What a backend implements. `conn` is the current transaction's connection (ignored by fs and s3). */
export interface BlobBackend {
  readonly kind: 'postgres' | 'fs' | 's3';
  /** Writes happen in the business transaction (postgres) or outside it (fs, s3). */
  readonly transactional: boolean;
  /** Stores the bytes (idempotent: the same bytes again change nothing) and returns their address. */
  put(conn: BlobConnection, scope: BlobScope, content: Buffer): Promise<string>;
  /** The bytes, checked against the address: BlobNotFoundError, BlobIntegrityError. */
  get(conn: BlobConnection, scope: BlobScope, address: string): Promise<Buffer>;
  exists(conn: BlobConnection, scope: BlobScope, address: string): Promise<boolean>;
  /** Removes the blob (no error when absent). Callers check first that nothing refers to it. */
  delete(conn: BlobConnection, scope: BlobScope, address: string): Promise<void>;
  /**
   * Before checking that nothing refers to a blob any more: postgres locks its row until the end
   * of the transaction (a concurrent put of the same bytes waits, then sees the deletion or is seen
   * by the check). No-op elsewhere.
   */
  lock?(conn: BlobConnection, scope: BlobScope, address: string): Promise<void>;
  /** Non-transactional backends: the part of a deletion that belongs in the transaction (legacy rows). */
  deleteInTransaction?(conn: BlobConnection, scope: BlobScope, address: string): Promise<void>;
  close?(): Promise<void>;
}

/** The blob store as a transaction sees it (`tx.blobs`). */
export interface BlobStore {
  readonly kind: BlobBackend['kind'];
  put(scope: BlobScope, content: Buffer): Promise<string>;
  get(scope: BlobScope, address: string): Promise<Buffer>;
  exists(scope: BlobScope, address: string): Promise<boolean>;
  /** Call before looking for other references to a blob you are about to delete. */
  lockForDelete(scope: BlobScope, address: string): Promise<void>;
  /**
   * Removes a blob that nothing refers to any more. In the transaction for postgres; after the
   * commit for fs and s3 (a rolled-back deletion must not lose the bytes).
   */
  delete(scope: BlobScope, address: string): Promise<void>;
}

const NO_CONNECTION: BlobConnection = {
  query: (() => Promise.reject(new Error('no transaction here'))) as BlobConnection['query'],
};

/** Binds a backend to one transaction (its connection and its after-commit list). */
export function bindBlobStore(
  backend: BlobBackend,
  conn: BlobConnection,
  afterCommit: (task: () => Promise<void>) => void,
): BlobStore {
  return {
    kind: backend.kind,
    put: (scope, content) => backend.put(conn, scope, content),
    get: (scope, address) => backend.get(conn, scope, address),
    exists: (scope, address) => backend.exists(conn, scope, address),
    async lockForDelete(scope, address) {
      assertAddress(address);
      await backend.lock?.(conn, scope, address);
    },
    async delete(scope, address) {
      assertAddress(address);
      if (backend.transactional) {
        await backend.delete(conn, scope, address);
        return;
      }
      await backend.deleteInTransaction?.(conn, scope, address);
      // The connection goes back to the pool at commit: the deferred part must not use it.
      afterCommit(() => backend.delete(NO_CONNECTION, scope, address));
    },
  };
}

/**
 * PostgreSQL backend: table `blob` (migration 0013), one row per (scope, address), under RLS —
 * a commune's blobs are visible only in that commune's transactions, an account's only once the
 * transaction is scoped to the account. Bytes commit or roll back with the business rows.
 */
export function postgresBlobBackend(): BlobBackend {
  return {
    kind: 'postgres',
    transactional: true,
    async put(conn, scope, content) {
      const key = scopeKey(scope);
      const address = blobAddress(content);
      await conn.query(
        // DO UPDATE rather than DO NOTHING: the row is locked until commit, so a deletion
        // checking for references (lock()) waits for this transaction and then sees its rows.
        `INSERT INTO blob (scope, sha256, size_bytes, content) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope, sha256) DO UPDATE SET size_bytes = EXCLUDED.size_bytes`,
        [key, address, content.length, content],
      );
      return address;
    },
    async get(conn, scope, address) {
      assertAddress(address);
      const key = scopeKey(scope);
      const { rows } = await conn.query<{ content: Buffer }>(
        'SELECT content FROM blob WHERE scope = $1 AND sha256 = $2',
        [key, address],
      );
      if (!rows[0]) throw new BlobNotFoundError(key, address);
      return verified(key, address, rows[0].content);
    },
    async exists(conn, scope, address) {
      assertAddress(address);
      const { rows } = await conn.query('SELECT 1 FROM blob WHERE scope = $1 AND sha256 = $2', [
        scopeKey(scope),
        address,
      ]);
      return rows.length > 0;
    },
    async lock(conn, scope, address) {
      await conn.query('SELECT 1 FROM blob WHERE scope = $1 AND sha256 = $2 FOR UPDATE', [scopeKey(scope), address]);
    },
    async delete(conn, scope, address) {
      await conn.query('DELETE FROM blob WHERE scope = $1 AND sha256 = $2', [scopeKey(scope), address]);
    },
  };
}

/**
 * For fs and s3: blobs written before the switch live in the `blob` table (every file of an
 * instance that started on the default backend). Reads fall back to it; writes go to the new backend.
 */
export function withPostgresFallback(primary: BlobBackend): BlobBackend {
  const legacy = postgresBlobBackend();
  return {
    kind: primary.kind,
    transactional: primary.transactional,
    put: primary.put.bind(primary),
    async get(conn, scope, address) {
      try {
        return await primary.get(conn, scope, address);
      } catch (error) {
        if (!(error instanceof BlobNotFoundError)) throw error;
        return legacy.get(conn, scope, address);
      }
    },
    async exists(conn, scope, address) {
      return (await primary.exists(conn, scope, address)) || legacy.exists(conn, scope, address);
    },
    delete: primary.delete.bind(primary),
    lock: (conn, scope, address) => legacy.lock!(conn, scope, address),
    deleteInTransaction: (conn, scope, address) => legacy.delete(conn, scope, address),
    ...(primary.close ? { close: primary.close.bind(primary) } : {}),
  };
}
