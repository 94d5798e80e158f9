/** What other modules may read of the addresses (inside the caller's tenant transaction). */
import type { Tx } from '../../platform/db/tenant.js';

/** The commune's postcode: the most frequent one among its addresses (null before any import). */
export async function communePostcode(tx: Tx, communeId: string): Promise<string | null> {
  const { rows } = await tx.client.query<{ postcode: string }>(
    `SELECT postcode FROM address WHERE commune_id = $1 GROUP BY postcode ORDER BY count(*) DESC, postcode LIMIT 1`,
    [communeId],
  );
  return rows[0]?.postcode ?? null;
}
