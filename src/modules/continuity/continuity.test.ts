/**
 * Continuity in the embedded shape: backup → verify → restore into an empty target gives the same
 * content; a changed byte and a wrong key are refused naming the part; a non-empty target is
 * refused; the drill records its measured duration and detects a journal whose last entries were
 * deleted after the backup anchored its head. The inventory and the record run on both engines.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../config/config.js';
import { recordAudit } from '../../platform/audit/journal.js';
import { BackupError } from '../../platform/db/backup/age.js';
import { listArchives } from '../../platform/db/backup/archive.js';
import { inventoryOf } from '../../platform/db/backup/embedded.js';
import { compareTables, type DatabaseInventory, inventoryInTransaction } from '../../platform/db/backup/inventory.js';
import type { Database } from '../../platform/db/client.js';
import { embeddedDatabaseDir, openPglite } from '../../platform/db/client.js';
import { withInstance, withTenant } from '../../platform/db/tenant.js';
import { fsBlobBackend } from '../../platform/files/fs-blob-store.js';
import { openDatabase } from '../../runtime.js';
import { testConfig } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { createTestDatabase, TEST_APP_ROLE, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { insertRun, latestRun, recentRuns } from './repo.js';
import { exportCommuneData } from './use-cases/export-commune.js';
import { copyToOffline, offlineCopyStatus } from './use-cases/offline-copy.js';
import { restoreBackup } from './use-cases/restore-backup.js';
import { runDrill } from './use-cases/run-drill.js';
import { scheduledBackup } from './use-cases/scheduled-backup.js';
import { takeBackup } from './use-cases/take-backup.js';
import { verifyBackup } from './use-cases/verify-backup.js';

const dirs: string[] = [];
function tempDir(prefix = 'guichet-continuite-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A key pair made with age-keygen, as an operator would. */
function ageKey(): { identity: string; recipient: string } {
  const identity = path.join(tempDir('guichet-cle-'), 'cle.txt');
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  return { identity, recipient: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim() };
}

async function seedCommune(database: Database, slug: string, entries: number) {
  const commune = await insertTestCommune(database, {
    slug,
    name: slug,
    services: [{ slug: 'accueil', name: 'Accueil' }],
  });
  for (let i = 0; i < entries; i += 1) {
    await withTenant(database, commune.id, (tx) =>
      recordAudit(tx, { actorType: 'system', action: 'mail.sent', data: { n: i, slug } }),
    );
  }
  return commune;
}

/** Rewrites one byte of one part of an archive (re-tarred, SHA256SUMS updated or not). */
function tamper(archive: string, part: string, updateSums: boolean): string {
  const work = tempDir('guichet-altere-');
  execFileSync('tar', ['-xf', archive, '-C', work]);
  const file = path.join(work, part);
  const bytes = fs.readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  fs.writeFileSync(file, bytes);
  if (updateSums) {
    const sums = execFileSync(
      'sha256sum',
      fs.readdirSync(work).filter((n) => n.endsWith('.age')),
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
    fs.writeFileSync(path.join(work, 'SHA256SUMS'), sums);
  }
  const out = path.join(tempDir(), path.basename(archive));
  execFileSync('tar', ['-cf', out, '-C', work, ...fs.readdirSync(work)]);
  return out;
}

describe('embedded backups (PGlite)', { timeout: 180_000 }, () => {
  const key = ageKey();
  const otherKey = ageKey();
  let config: Config;
  let database: Database;
  let archive: string;
  let fileAddress: string;
  let villebelleId: string;

  beforeAll(async () => {
    config = testConfig({ GUICHET_BACKUP_RECIPIENTS: key.recipient, GUICHET_BLOB_STORE: 'fs' });
    database = await openDatabase(config);
    const villebelle = await seedCommune(database, 'villebelle', 3);
    villebelleId = villebelle.id;
    await seedCommune(database, 'saint-aubin', 2);
    if (config.blobs.store !== 'fs') throw new Error('fs blob store expected');
    const blobs = await fsBlobBackend(config.blobs.dir);
    fileAddress = await blobs.put(null as never, { communeId: villebelle.id }, Buffer.from('arrêté municipal n° 12'));
    archive = (await takeBackup({ database, config })).file;
  });
  afterAll(() => database?.close());

  it('writes one archive of encrypted parts, with a manifest anchoring each journal head', async () => {
    expect((await listArchives(config.continuity.backupDir)).map((a) => a.file)).toEqual([archive]);
    const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual([
      'LISEZMOI.txt',
      'SHA256SUMS',
      'manifest.json.age',
      'base-pglite.tar.gz.age',
      'fichiers.tar.age',
    ]);
    // Encrypted: the commune's name and the file's text appear nowhere in clear.
    const raw = fs.readFileSync(archive);
    expect(raw.includes(Buffer.from('saint-aubin'))).toBe(false);
    expect(raw.includes(Buffer.from('arrêté municipal'))).toBe(false);

    const manifest = await verifyBackup(archive, key.identity);
    expect(manifest.tables.commune!.rows).toBe(2);
    expect(manifest.tables.audit_entry!.rows).toBe(5);
    expect(manifest.migrations.at(-1)).toBe(manifest.migrations.toSorted().at(-1));
    expect(manifest.auditHeads.map((h) => [h.slug, h.seq])).toEqual([
      ['saint-aubin', 2],
      ['villebelle', 3],
    ]);
    expect(manifest.parts.map((p) => p.name)).toEqual(['base-pglite.tar.gz', 'fichiers.tar']);
    const run = await withInstance(database, (tx) => latestRun(tx, 'sauvegarde'));
    expect(run).toMatchObject({ outcome: 'reussi', archive: path.basename(archive) });
  });

  it('restores into an empty target with identical content hashes, files included', async () => {
    const target = testConfig({ GUICHET_BLOB_STORE: 'fs' });
    const outcome = await restoreBackup(target, archive, key.identity);
    expect(outcome.communes).toBe(2);
    const restored = await openPglite(embeddedDatabaseDir(target), TEST_APP_ROLE);
    try {
      const client = await restored.pool.connect();
      await client.query('BEGIN');
      const inventory = await inventoryInTransaction(client);
      await client.query('COMMIT');
      client.release();
      const manifest = outcome.manifest;
      for (const [table, expected] of Object.entries(manifest.tables)) {
        if (table === 'continuity_run') continue; // the restore records itself
        expect(inventory.tables[table], table).toEqual(expected);
      }
      expect(inventory.auditHeads).toEqual(manifest.auditHeads);
    } finally {
      await restored.close();
    }
    if (target.blobs.store !== 'fs') throw new Error('fs blob store expected');
    const blobs = await fsBlobBackend(target.blobs.dir);
    expect((await blobs.get(null as never, { communeId: villebelleId }, fileAddress)).toString()).toBe(
      'arrêté municipal n° 12',
    );
  });

  it('restores by hand with tar, sha256sum and age only, as docs/operations/restore.md says', async () => {
    const work = tempDir('guichet-a-la-main-');
    const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: work, encoding: 'utf8' });
    sh('tar', ['-xf', archive]);
    expect(sh('sha256sum', ['-c', 'SHA256SUMS'])).toMatch(
      /manifest\.json\.age: OK\nbase-pglite\.tar\.gz\.age: OK\nfichiers\.tar\.age: OK/,
    );
    for (const part of ['manifest.json', 'base-pglite.tar.gz', 'fichiers.tar']) {
      sh('age', ['-d', '-i', key.identity, '-o', part, `${part}.age`]);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'manifest.json'), 'utf8')) as {
      tables: Record<string, unknown>;
      parts: Array<{ name: string; sha256: string }>;
    };
    for (const part of manifest.parts) expect(sh('sha256sum', [part.name]).split(' ')[0]).toBe(part.sha256);
    const dataDir = path.join(work, 'donnees');
    fs.mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    sh('tar', ['-xzf', 'base-pglite.tar.gz', '-C', path.join(dataDir, 'pglite')]);
    fs.mkdirSync(path.join(dataDir, 'fichiers'));
    sh('tar', ['-xf', 'fichiers.tar', '-C', path.join(dataDir, 'fichiers')]);

    const restored = await openPglite(path.join(dataDir, 'pglite'), TEST_APP_ROLE);
    try {
      expect((await inventoryOf(restored)).tables).toEqual(manifest.tables);
    } finally {
      await restored.close();
    }
    const blobs = await fsBlobBackend(path.join(dataDir, 'fichiers'));
    expect((await blobs.get(null as never, { communeId: villebelleId }, fileAddress)).toString()).toBe(
      'arrêté municipal n° 12',
    );
  });

  it('refuses to restore into a target that already holds a database', async () => {
    const target = testConfig({ GUICHET_BLOB_STORE: 'fs' });
    fs.mkdirSync(embeddedDatabaseDir(target), { recursive: true });
    fs.writeFileSync(path.join(embeddedDatabaseDir(target), 'PG_VERSION'), '18\n');
    await expect(restoreBackup(target, archive, key.identity)).rejects.toThrow(
      /La cible n’est pas vide : .*pglite contient déjà une base/,
    );
  });

  it('detects one changed byte and names the part, before and after SHA256SUMS is rewritten', async () => {
    await expect(verifyBackup(tamper(archive, 'base-pglite.tar.gz.age', false), key.identity)).rejects.toThrow(
      /La partie « base-pglite\.tar\.gz\.age » est altérée : son empreinte SHA-256/,
    );
    // Someone rewrote the sums too: age's authenticated encryption still refuses the part.
    const error = await verifyBackup(tamper(archive, 'fichiers.tar.age', true), key.identity).catch((e) => e);
    expect(error).toBeInstanceOf(BackupError);
    expect((error as BackupError).part).toBe('fichiers.tar.age');
    expect((error as Error).message).toMatch(
      /La partie « fichiers\.tar\.age » est altérée : son déchiffrement authentifié échoue/,
    );
  });

  it('refuses a wrong key, naming the part it cannot decrypt', async () => {
    await expect(verifyBackup(archive, otherKey.identity)).rejects.toThrow(
      'La clé fournie ne déchiffre pas la partie « manifest.json.age » : cette sauvegarde a été chiffrée pour d’autres clés publiques.',
    );
  });

  it('drills the latest backup, records its duration, then detects deleted journal entries', async () => {
    const ok = await runDrill({ database, config }, { identityFile: key.identity });
    expect(ok.archive).toBe(path.basename(archive));
    expect(ok.communes).toBe(2);
    const recorded = await withInstance(database, (tx) => latestRun(tx, 'exercice', 'reussi'));
    expect(recorded?.durationMs).toBe(ok.durationMs);
    expect(recorded?.detail).toContain('identiques au manifeste');

    // Someone with direct access deletes the last entry of a chain: the chain that is left is
    // intact, only the head anchored in the backup shows the loss.
    await database.pool.query(`BEGIN; SET LOCAL ROLE postgres;
      ALTER TABLE audit_entry DISABLE TRIGGER USER;
      DELETE FROM audit_entry WHERE commune_id = '${villebelleId}' AND seq = 3;
      ALTER TABLE audit_entry ENABLE TRIGGER USER; COMMIT;`);
    await expect(runDrill({ database, config }, { identityFile: key.identity })).rejects.toThrow(
      /villebelle n’a plus l’entrée n° 3 ancrée par guichet-sauvegarde-.*\.tar \(entrées supprimées\)/,
    );
    const failed = await withInstance(database, (tx) => recentRuns(tx, 1));
    expect(failed[0]).toMatchObject({ kind: 'exercice', outcome: 'echoue' });
  });

  it('the nightly job backs up, prunes by retention, copies offline without ever rewriting, and drills', async () => {
    // The journal was truncated by the previous test: a fresh database for this one.
    const nightly = testConfig({
      GUICHET_BACKUP_RECIPIENTS: key.recipient,
      GUICHET_OFFLINE_COPY_DIR: tempDir('guichet-hors-ligne-'),
      GUICHET_BACKUP_IDENTITY: key.identity,
      GUICHET_BACKUP_RETENTION: '1,0,0',
    });
    const db = await openDatabase(nightly);
    try {
      await seedCommune(db, 'villebelle', 1);
      // An archive of an earlier day, which the retention (1 day) removes once a newer one exists.
      fs.mkdirSync(nightly.continuity.backupDir, { recursive: true });
      const old = path.join(nightly.continuity.backupDir, 'guichet-sauvegarde-20260101T023000Z.tar');
      fs.copyFileSync(archive, old);
      const offline = nightly.continuity.offlineCopyDir!;
      fs.copyFileSync(archive, path.join(offline, 'guichet-sauvegarde-20260101T023000Z.tar'));

      const outcome = await scheduledBackup({ database: db, config: nightly });
      expect(outcome.removed).toEqual(['guichet-sauvegarde-20260101T023000Z.tar']);
      expect(outcome.steps.map((s) => s.split(' ')[0])).toEqual(['sauvegarde', 'copie', 'exercice']);
      const kept = await listArchives(nightly.continuity.backupDir);
      expect(kept).toHaveLength(1);
      // The offline copy keeps everything, the old archive included, and holds the new one intact.
      const copies = await listArchives(offline);
      expect(copies.map((c) => c.name)).toEqual(['guichet-sauvegarde-20260101T023000Z.tar', kept[0]!.name]);
      expect(fs.readFileSync(copies[1]!.file).equals(fs.readFileSync(kept[0]!.file))).toBe(true);
      expect((await offlineCopyStatus(offline)).newest).toEqual(kept[0]!.at);
      // Copying the same archive again is refused: the offline copy is never rewritten.
      await expect(copyToOffline({ database: db, config: nightly }, kept[0]!.file)).rejects.toThrow(
        /existe déjà : la copie hors ligne n’est jamais réécrite/,
      );
      const runs = await withInstance(db, (tx) => recentRuns(tx, 10));
      expect(runs.map((r) => `${r.kind}:${r.outcome}`)).toEqual([
        'copie_hors_ligne:echoue',
        'exercice:reussi',
        'copie_hors_ligne:reussi',
        'sauvegarde:reussi',
      ]);
    } finally {
      await db.close();
    }
  });

  it('refuses to write a backup without a public key (never in clear)', async () => {
    const bare = { ...config, continuity: { ...config.continuity, recipients: [] } };
    await expect(takeBackup({ database, config: bare })).rejects.toThrow(/Aucune clé publique de chiffrement/);
  });
});

/** The inventory as the backup machinery computes it, on a client that sees every row. */
async function inventoryOfTest(t: TestDatabase): Promise<DatabaseInventory> {
  if (!t.superuserUrl) return inventoryOf(t.database);
  const client = new pg.Client({ connectionString: t.superuserUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const inventory = await inventoryInTransaction(client);
    await client.query('COMMIT');
    return inventory;
  } finally {
    await client.end();
  }
}

describe.each(TEST_ENGINES)('inventory and record on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(() => t?.drop());

  it('counts and hashes every commune’s rows, and one changed value changes only its table’s hash', async () => {
    const villebelle = await seedCommune(t.database, 'villebelle', 2);
    await seedCommune(t.database, 'saint-aubin', 1);
    const before = await inventoryOfTest(t);
    expect(before.tables.commune!.rows).toBe(2);
    expect(before.tables.audit_entry!.rows).toBe(3);
    expect(before.tables.service!.rows).toBe(2);
    expect(before.auditHeads.map((h) => [h.slug, h.seq])).toEqual([
      ['saint-aubin', 1],
      ['villebelle', 2],
    ]);
    expect(compareTables(before.tables, (await inventoryOfTest(t)).tables)).toEqual([]);

    await t.asSuperuser(`UPDATE service SET name = 'Accueil général' WHERE commune_id = $1`, [villebelle.id]);
    const after = await inventoryOfTest(t);
    const differences = compareTables(before.tables, after.tables);
    expect(differences.map((d) => d.table)).toEqual(['service']);
    expect(differences[0]!.actual!.rows).toBe(2);
    expect(differences[0]!.actual!.sha256).not.toBe(differences[0]!.expected!.sha256);
  });

  it('records runs and finds the latest successful one of a kind', async () => {
    const at = (m: number) => new Date(Date.UTC(2026, 11, 2, 3, m));
    await withInstance(t.database, async (tx) => {
      await insertRun(tx, {
        kind: 'exercice',
        startedAt: at(0),
        finishedAt: at(2),
        outcome: 'reussi',
        archive: 'a.tar',
        detail: '',
      });
      await insertRun(tx, {
        kind: 'exercice',
        startedAt: at(10),
        finishedAt: at(11),
        outcome: 'echoue',
        archive: null,
        detail: 'clé',
      });
      await insertRun(tx, {
        kind: 'sauvegarde',
        startedAt: at(20),
        finishedAt: at(21),
        outcome: 'reussi',
        archive: 'b.tar',
        detail: '',
      });
    });
    const lastGood = await withInstance(t.database, (tx) => latestRun(tx, 'exercice', 'reussi'));
    expect(lastGood).toMatchObject({ archive: 'a.tar', durationMs: 120_000 });
    const last = await withInstance(t.database, (tx) => latestRun(tx, 'exercice'));
    expect(last).toMatchObject({ outcome: 'echoue', detail: 'clé' });
  });
});

describe.each(TEST_ENGINES)('per-commune export on %s', (engine) => {
  it('writes CSV, JSON, files and a README holding one commune and nothing of another', async () => {
    const t = await createTestDatabase(engine);
    try {
      const villebelle = await seedCommune(t.database, 'villebelle', 2);
      const other = await seedCommune(t.database, 'saint-aubin-confidentiel', 3);
      for (const [commune, text] of [
        [villebelle, 'délibération, « budget » 2026'],
        [other, 'pièce secrète de saint-aubin'],
      ] as const) {
        await withTenant(t.database, commune.id, (tx) => tx.blobs.put({ communeId: commune.id }, Buffer.from(text)));
      }
      const config = testConfig();
      const dir = path.join(tempDir(), 'export');
      const outcome = await exportCommuneData({ database: t.database, config }, 'villebelle', dir);
      expect(outcome.outcome.tables).toMatchObject({ commune: 1, service: 1, audit_entry: 2 });
      expect(outcome.outcome.files).toBe(1);

      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      const everything = Buffer.concat(files.map((f) => fs.readFileSync(path.join(f.parentPath, f.name))));
      expect(everything.includes(Buffer.from(villebelle.id))).toBe(true);
      for (const foreign of [other.id, 'saint-aubin-confidentiel', 'pièce secrète']) {
        expect(everything.includes(Buffer.from(foreign)), foreign).toBe(false);
      }
      const services = fs.readFileSync(path.join(dir, 'tables', 'service.csv'), 'utf8').split('\r\n');
      expect(services[0]).toBe('id,commune_id,slug,name,description,email,created_at,retired_at');
      expect(services[1]).toContain(',accueil,Accueil,');
      const journal = JSON.parse(fs.readFileSync(path.join(dir, 'tables', 'audit_entry.json'), 'utf8'));
      expect(journal.map((e: { seq: number }) => e.seq)).toEqual([1, 2]);
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      expect(readme).toContain('# Export des données de villebelle (villebelle)');
      expect(readme).toMatch(/### service \(1 ligne\)[\s\S]*relation vers `commune`/);
      const file = fs.readdirSync(path.join(dir, 'fichiers'));
      expect(fs.readFileSync(path.join(dir, 'fichiers', file[0]!), 'utf8')).toBe('délibération, « budget » 2026');
    } finally {
      await t.drop();
    }
  });
});
