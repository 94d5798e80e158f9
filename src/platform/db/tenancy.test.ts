import { eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTestCommune } from '../../test/communes.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { insertService, listServices } from '../tenancy/communes.js';
import { service } from './schema.js';
import { withInstance, withTenant } from './tenant.js';

describe.each(TEST_ENGINES)('tenant isolation on %s', (engine) => {
  let t: TestDatabase;
  let communeA: string;
  let communeB: string;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    const a = await insertTestCommune(t.database, {
      slug: 'commune-a',
      name: 'Commune A',
      services: [
        { slug: 'etat-civil', name: 'État civil' },
        { slug: 'urbanisme', name: 'Urbanisme' },
      ],
    });
    const b = await insertTestCommune(t.database, {
      slug: 'commune-b',
      name: 'Commune B',
      services: [{ slug: 'secretariat', name: 'Secrétariat' }],
    });
    communeA = a.id;
    communeB = b.id;
  });

  afterAll(() => t?.drop());

  it('connects as a role that is neither superuser, nor BYPASSRLS, nor owner of the tables', async () => {
    const { rows } = await t.database.pool.query(
      `SELECT current_user AS who, r.rolsuper, r.rolbypassrls,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(rows[0]).toMatchObject({ who: 'guichet_test_app', rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('sees no tenant row at all without tenant context', async () => {
    const counts = await withInstance(t.database, async (tx) => {
      const result: Record<string, number> = {};
      for (const table of ['service', 'audit_entry', 'mail_outbox']) {
        const r = await tx.client.query(`SELECT count(*)::int AS n FROM ${table}`);
        result[table] = r.rows[0].n;
      }
      return result;
    });
    expect(counts).toEqual({ service: 0, audit_entry: 0, mail_outbox: 0 });
    // Outside any transaction too, and the rows do exist (seen by a superuser).
    expect((await t.database.pool.query('SELECT count(*)::int AS n FROM service')).rows[0].n).toBe(0);
    expect((await t.asSuperuser<{ n: number }>('SELECT count(*)::int AS n FROM service')).rows[0]!.n).toBe(3);
  });

  it('shows each commune only its own rows, even when a query forgets the commune filter', async () => {
    const names = await withTenant(t.database, communeA, (tx) =>
      tx.db.select({ name: service.name }).from(service).orderBy(service.name),
    );
    expect(names.map((n) => n.name)).toEqual(['Urbanisme', 'État civil']);
    const fromB = await withTenant(t.database, communeB, (tx) =>
      tx.db.select().from(service).where(eq(service.slug, 'urbanisme')),
    );
    expect(fromB).toEqual([]);
    expect(await withTenant(t.database, communeB, (tx) => listServices(tx, communeA))).toEqual([]);
  });

  it('refuses to write a row of another commune (WITH CHECK)', async () => {
    const error = await withTenant(t.database, communeA, (tx) =>
      insertService(tx, { id: uuidv7(), communeId: communeB, slug: 'intrus', name: 'Intrus', description: '' }),
    ).catch((e: Error) => e);
    expect(String((error as Error).cause ?? error)).toMatch(/row-level security/);
    const updated = await withTenant(t.database, communeA, (tx) =>
      tx.client.query(`UPDATE service SET name = 'piraté' WHERE commune_id = $1`, [communeB]),
    );
    expect(updated.rowCount).toBe(0);
  });

  it('does not let the application role escape the policies', async () => {
    await expect(t.database.pool.query('ALTER TABLE service NO FORCE ROW LEVEL SECURITY')).rejects.toThrow(
      /must be owner/,
    );
    await expect(t.database.pool.query('ALTER TABLE service DISABLE ROW LEVEL SECURITY')).rejects.toThrow(
      /must be owner/,
    );
    if (engine === 'postgres') {
      await expect(t.database.pool.query('SET ROLE guichet_test_owner')).rejects.toThrow(/permission denied/);
    }
  });

  it('keeps the tenant setting local to its transaction', async () => {
    await withTenant(t.database, communeA, async () => {});
    const { rows } = await t.database.pool.query("SELECT current_setting('app.commune_id', true) AS v");
    expect(rows[0].v ?? '').toBe('');
  });
});
