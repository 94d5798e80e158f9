/** Verifies the audit chain of every commune (used by `guichet audit verify` and a nightly job). */

import type { Database } from '../db/client.js';
import { withInstance, withTenant } from '../db/tenant.js';
import { listCommunes } from '../tenancy/communes.js';
import { type VerifyResult, verifyAuditChain } from './journal.js';

export interface CommuneVerifyResult extends VerifyResult {
  slug: string;
  name: string;
}

export async function verifyAllCommunes(database: Database, onlySlug?: string): Promise<CommuneVerifyResult[]> {
  const communes = await withInstance(database, (tx) => listCommunes(tx));
  const selected = onlySlug ? communes.filter((c) => c.slug === onlySlug) : communes;
  const results: CommuneVerifyResult[] = [];
  for (const commune of selected) {
    const result = await withTenant(database, commune.id, (tx) => verifyAuditChain(tx));
    results.push({ slug: commune.slug, name: commune.name, ...result });
  }
  return results;
}
