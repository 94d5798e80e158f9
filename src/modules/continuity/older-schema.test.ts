/**
 * Issue 13 item 8: a backup or an export made by an older Guichet (a schema at an earlier
 * migration) comes back into the current one. The embedded backup of a database stopped at
 * migration 0027 restores, is migrated forward to the last migration, keeps its rows and its
 * audit chains; a per-commune export from such a database imports into a current instance on both
 * engines; an export from a newer instance into an older one is refused, nothing written.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../platform/audit/journal.js';
import { inventoryOf } from '../../platform/db/backup/embedded.js';
import { assumeAppRole, type Database, embeddedDatabaseDir, openPglite } from '../../platform/db/client.js';
import { MIGRATIONS_DIR, migrate } from '../../platform/db/migrate.js';
import { withTenant } from '../../platform/db/tenant.js';
import { testConfig } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { createTestDatabase, TEST_APP_ROLE, TEST_ENGINES } from '../../test/databases.js';
import { exportCommuneData } from './use-cases/export-commune.js';
import { importCommuneData } from './use-cases/import-commune.js';
import { restoreBackup } from './use-cases/restore-backup.js';
import { takeBackup } from './use-cases/take-backup.js';

const OLD = '0027';
const dirs: string[] = [];
function tempDir(prefix = 'guichet-ancien-schema-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The migrations of an older Guichet: those up to and including `last`. */
function olderMigrations(last: string): string {
  const dir = tempDir('guichet-migrations-');
  for (const name of fs.readdirSync(MIGRATIONS_DIR).filter((n) => n.endsWith('.sql') && n.slice(0, 4) <= last)) {
    fs.copyFileSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name));
  }
  return dir;
}
const latest = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((n) => n.endsWith('.sql'))
  .sort()
  .at(-1)!
  .slice(0, 4);

function ageKey(): { identity: string; recipient: string } {
  const identity = path.join(tempDir('guichet-cle-'), 'cle.txt');
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  return { identity, recipient: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim() };
}

async function seed(database: Database, slug: string) {
  const commune = await insertTestCommune(database, {
    slug,
    name: slug,
    services: [{ slug: 'accueil', name: 'Accueil' }],
  });
  for (let n = 1; n <= 2; n += 1) {
    await withTenant(database, commune.id, (tx) =>
      recordAudit(tx, { actorType: 'system', action: 'mail.sent', data: { n } }),
    );
  }
  return commune;
}

const key = ageKey();

describe('an embedded backup of an older schema', { timeout: 180_000 }, () => {
  it('restores and is migrated forward to the last migration, rows and journal intact', async () => {
    const config = testConfig({ GUICHET_BACKUP_RECIPIENTS: key.recipient });
    const database = await openPglite(embeddedDatabaseDir(config), TEST_APP_ROLE);
    let manifest: Awaited<ReturnType<typeof takeBackup>>['manifest'];
    let file: string;
    try {
      await migrate(database.pool, TEST_APP_ROLE, olderMigrations(OLD));
      await assumeAppRole(database);
      await seed(database, 'villebelle');
      ({ manifest, file } = await takeBackup({ database, config }));
    } finally {
      await database.close();
    }
    expect(manifest.migrations.at(-1)).toBe(manifest.migrations.find((m) => m.startsWith(OLD)));
    expect(manifest.tables.continuity_alert).toBeUndefined();

    const target = testConfig();
    const outcome = await restoreBackup(target, file, key.identity);
    expect(outcome.migrationsApplied.length).toBeGreaterThan(5);
    expect(outcome.migrationsApplied.at(-1)).toBe(latest);
    expect(outcome.communes).toBe(1);
    const restored = await openPglite(embeddedDatabaseDir(target), TEST_APP_ROLE);
    try {
      const inventory = await inventoryOf(restored);
      expect(inventory.migrations.at(-1)).toBe(latest);
      expect(inventory.tables.continuity_alert).toEqual({ rows: 0, sha256: expect.any(String) });
      for (const table of ['commune', 'service', 'audit_entry']) {
        expect(inventory.tables[table], table).toEqual(manifest.tables[table]);
      }
      expect(inventory.auditHeads).toEqual(manifest.auditHeads);
    } finally {
      await restored.close();
    }
  });
});

describe.each(TEST_ENGINES)('a per-commune export across schema versions on %s', { timeout: 180_000 }, (engine) => {
  it('imports an older instance’s export into a current one, and refuses the other way round', async () => {
    const config = testConfig({ GUICHET_BACKUP_RECIPIENTS: key.recipient });
    const older = await createTestDatabase(engine, olderMigrations(OLD));
    const current = await createTestDatabase(engine);
    try {
      const villebelle = await seed(older.database, 'villebelle');
      const fromOlder = await exportCommuneData(
        { database: older.database, config },
        'villebelle',
        path.join(tempDir(), 'v'),
      );
      const imported = await importCommuneData(
        { database: current.database, config },
        fromOlder.archiveFile!,
        key.identity,
      );
      expect(imported.outcome.tables).toMatchObject({ commune: 1, service: 1, audit_entry: 2 });
      const { rows } = await current.asSuperuser<{ n: string }>(
        'SELECT count(*) AS n FROM audit_entry WHERE commune_id = $1',
        [villebelle.id],
      );
      expect(rows[0]!.n).toBe('3'); // its two entries and the import's own

      await seed(current.database, 'saint-aubin');
      const fromCurrent = await exportCommuneData(
        { database: current.database, config },
        'saint-aubin',
        path.join(tempDir(), 's'),
      );
      await expect(
        importCommuneData({ database: older.database, config }, fromCurrent.archiveFile!, key.identity),
      ).rejects.toThrow(
        /Cette instance n’a pas la migration 00\d\d de l’instance d’origine .* mettez Guichet à jour et lancez « guichet migrate » avant d’importer\./,
      );
      const { rows: none } = await older.asSuperuser<{ n: string }>(
        "SELECT count(*) AS n FROM commune WHERE slug = 'saint-aubin'",
      );
      expect(none[0]!.n).toBe('0');
    } finally {
      await older.drop();
      await current.drop();
    }
  });
});
