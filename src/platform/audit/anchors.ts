/**
 * Anchoring the journal (issue 13, the open point of decision 0006): the head (seq, hash) of every
 * commune's audit chain is recorded outside the database, in each backup's manifest. A live journal
 * that no longer holds an anchored head — its last entries deleted or rewritten — is detected here.
 */
import type { Database } from '../db/client.js';
import { withTenant } from '../db/tenant.js';

export interface AnchoredHead {
  communeId: string;
  slug: string;
  seq: number;
  hash: string;
}

export interface AnchorProblem {
  slug: string;
  seq: number;
  reason: 'missing' | 'different';
}

/** The anchored heads that the journal of `database` no longer holds as they were. */
export async function checkAnchoredHeads(database: Database, heads: readonly AnchoredHead[]): Promise<AnchorProblem[]> {
  const problems: AnchorProblem[] = [];
  for (const head of heads) {
    const hash = await withTenant(database, head.communeId, async (tx) => {
      const { rows } = await tx.client.query<{ hash: string }>(
        'SELECT hash FROM audit_entry WHERE commune_id = $1 AND seq = $2',
        [head.communeId, head.seq],
      );
      return rows[0]?.hash;
    });
    if (hash === undefined) problems.push({ slug: head.slug, seq: head.seq, reason: 'missing' });
    else if (hash !== head.hash) problems.push({ slug: head.slug, seq: head.seq, reason: 'different' });
  }
  return problems;
}
