/**
 * Human numbers of a commune ("2026-000042"): one counter per commune, kind (requests today;
 * invoices, chrono courrier, délibérations tomorrow) and Paris calendar year, incremented
 * atomically (INSERT … ON CONFLICT DO UPDATE … RETURNING) in the caller's transaction — a
 * rolled-back transaction gives its number back.
 */
import { parisYearOf } from '../time/calendar.js';
import type { Tx } from './tenant.js';

/** Takes the next value (1, 2, …) of `kind` in the Paris year of `now`, for the transaction's commune. */
export async function nextValue(tx: Tx, kind: string, now = new Date()): Promise<number> {
  if (!tx.communeId) throw new Error('nextValue needs a tenant transaction');
  const { rows } = await tx.client.query<{ value: number }>(
    `INSERT INTO commune_counter (commune_id, kind, year, value) VALUES ($1, $2, $3, 1)
     ON CONFLICT (commune_id, kind, year) DO UPDATE SET value = commune_counter.value + 1
     RETURNING value`,
    [tx.communeId, kind, parisYearOf(now)],
  );
  return Number(rows[0]!.value);
}

/** Takes the next number of `kind` for the transaction's commune: `YYYY-NNNNNN`. */
export async function nextNumber(tx: Tx, kind: string, now = new Date()): Promise<string> {
  const value = await nextValue(tx, kind, now);
  return `${parisYearOf(now)}-${String(value).padStart(6, '0')}`;
}

/** True for a string shaped like a number of `nextNumber` (for route parameters). */
export function isCounterNumber(value: string): boolean {
  return /^\d{4}-\d{6,}$/.test(value);
}
