/**
 * Tamper-evident audit journal. Each entry is chained to the previous entry of its commune:
 * hash = SHA-256(prev_hash + canonical JSON (RFC 8785) of the entry's fields). Entries are written
 * by the use case, in its own transaction; the table is append-only (grants + trigger).
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../db/tenant.js';

// canonicalize is CommonJS (module.exports = fn): under NodeNext its default import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Every action the journal may record, `<subject>.<what happened>` → the shape of its `data`.
 * The platform declares its own below; each module declares its actions in its `audit.ts` by
 * augmenting this interface, so a misspelt or undeclared action is a type error and the list of
 * what the journal can contain is read in one place per module:
 *
 *   declare module '../../platform/audit/journal.js' {
 *     interface AuditActions { 'request.submitted': { number: string; service: string } }
 *   }
 */
export interface AuditActions {
  'mail.sent': AuditData;
  'sms.sent': AuditData;
}

/** Non-secret details of an entry: JSON values only. */
export type AuditData = Record<string, unknown>;

export type AuditAction = Extract<keyof AuditActions, string>;

interface AuditEventFields {
  actorType: 'system' | 'citizen' | 'agent' | 'operator' | 'api';
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
}

/** One entry to record: a declared action with its data (a discriminated union on `action`). */
export type AuditEvent = {
  [A in AuditAction]: AuditEventFields & { action: A; data?: AuditActions[A] };
}[AuditAction];

export interface ChainedFields {
  communeId: string;
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  requestId: string | null;
  prevHash: string;
}

/** The hash of one entry: covers every field, including the previous entry's hash. */
export function hashEntry(fields: ChainedFields): string {
  const canonical = canonicalize({
    communeId: fields.communeId,
    seq: fields.seq,
    occurredAt: fields.occurredAt.toISOString(),
    actorType: fields.actorType,
    actorId: fields.actorId,
    action: fields.action,
    targetType: fields.targetType,
    targetId: fields.targetId,
    data: fields.data,
    requestId: fields.requestId,
  });
  return createHash('sha256')
    .update(fields.prevHash)
    .update('\n')
    .update(canonical ?? '')
    .digest('hex');
}

/**
 * Appends an entry to the journal of the transaction's commune. A transaction-scoped advisory
 * lock per commune serializes writers so that two concurrent transactions never fork the chain.
 */
export async function recordAudit(tx: Tx, event: AuditEvent): Promise<{ seq: number; hash: string }> {
  const communeId = tx.communeId;
  if (!communeId) throw new Error('recordAudit needs a tenant transaction');
  await tx.client.query("SELECT pg_advisory_xact_lock(hashtext('audit:' || $1))", [communeId]);
  const last = await tx.client.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_entry WHERE commune_id = $1 ORDER BY seq DESC LIMIT 1',
    [communeId],
  );
  const previous = last.rows[0];
  const fields: ChainedFields = {
    communeId,
    seq: previous ? Number(previous.seq) + 1 : 1,
    occurredAt: new Date(),
    actorType: event.actorType,
    actorId: event.actorId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    data: event.data ?? {},
    requestId: event.requestId ?? null,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  const hash = hashEntry(fields);
  await tx.client.query(
    `INSERT INTO audit_entry (id, commune_id, seq, occurred_at, actor_type, actor_id, action, target_type,
       target_id, data, request_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      uuidv7(),
      communeId,
      fields.seq,
      fields.occurredAt,
      fields.actorType,
      fields.actorId,
      fields.action,
      fields.targetType,
      fields.targetId,
      JSON.stringify(fields.data),
      fields.requestId,
      fields.prevHash,
      hash,
    ],
  );
  return { seq: fields.seq, hash };
}

export interface ChainBreak {
  seq: number;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap';
}

export interface VerifyResult {
  entries: number;
  firstBreak: ChainBreak | null;
}

/** Walks the journal of the transaction's commune in order and reports the first broken link. */
export async function verifyAuditChain(tx: Tx, batchSize = 1000): Promise<VerifyResult> {
  const communeId = tx.communeId;
  if (!communeId) throw new Error('verifyAuditChain needs a tenant transaction');
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  for (;;) {
    const { rows } = await tx.client.query<{
      seq: string;
      occurred_at: Date;
      actor_type: string;
      actor_id: string | null;
      action: string;
      target_type: string | null;
      target_id: string | null;
      data: Record<string, unknown>;
      request_id: string | null;
      prev_hash: string;
      hash: string;
    }>(
      `SELECT seq, occurred_at, actor_type, actor_id, action, target_type, target_id, data, request_id,
              prev_hash, hash
         FROM audit_entry WHERE commune_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
      [communeId, expectedSeq, batchSize],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { entries, firstBreak: { seq: expectedSeq, reason: 'sequence_gap' } };
      if (row.prev_hash !== expectedPrev) return { entries, firstBreak: { seq, reason: 'prev_hash_mismatch' } };
      const recomputed = hashEntry({
        communeId,
        seq,
        occurredAt: row.occurred_at,
        actorType: row.actor_type,
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        data: row.data,
        requestId: row.request_id,
        prevHash: row.prev_hash,
      });
      if (recomputed !== row.hash) return { entries, firstBreak: { seq, reason: 'hash_mismatch' } };
      expectedPrev = row.hash;
      expectedSeq = seq + 1;
      entries += 1;
    }
    if (rows.length < batchSize) return { entries, firstBreak: null };
  }
}
