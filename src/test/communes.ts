/**
 * A commune row (and its services) for tests of the platform, written with the platform's own
 * tenancy functions: the platform's tests need a tenant, not the communes module's use case.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../platform/db/client.js';
import { withTenant } from '../platform/db/tenant.js';
import { type Commune, insertCommune, insertService } from '../platform/tenancy/communes.js';

export interface TestCommuneInput {
  slug: string;
  name: string;
  hostname?: string;
  email?: string;
  services?: Array<{ slug: string; name: string; description?: string }>;
}

export function insertTestCommune(database: Database, input: TestCommuneInput): Promise<Commune> {
  const id = uuidv7();
  return withTenant(database, id, async (tx) => {
    const commune = await insertCommune(tx, {
      id,
      slug: input.slug,
      name: input.name,
      hostname: input.hostname ?? null,
      email: input.email ?? null,
      brandColour: '#1d70b8',
      simpleMode: false,
    });
    for (const s of input.services ?? []) {
      await insertService(tx, {
        id: uuidv7(),
        communeId: id,
        slug: s.slug,
        name: s.name,
        description: s.description ?? '',
      });
    }
    return commune;
  });
}
