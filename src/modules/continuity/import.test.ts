/**
 * `guichet import` (issue 13 item 5, decision 0049): a commune exported from one instance (sealed
 * with age) and imported into another on the same engine comes back identical — every table's
 * rows, its files, an intact audit chain plus one entry saying it was imported — and the other
 * communes of the target are untouched. A tampered archive, a commune already there (same id or
 * same slug) and a wrong key are refused with nothing written.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../platform/audit/journal.js';
import { verifyAllCommunes } from '../../platform/audit/verify-all.js';
import { exportCommune } from '../../platform/db/backup/commune-export.js';
import type { Database } from '../../platform/db/client.js';
import { withInstance, withTenant } from '../../platform/db/tenant.js';
import { testConfig } from '../../test/app.js';
import { insertTestCommune } from '../../test/communes.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../../test/databases.js';
import { latestRun } from './repo.js';
import { exportCommuneData } from './use-cases/export-commune.js';
import { importCommuneData } from './use-cases/import-commune.js';

const dirs: string[] = [];
function tempDir(prefix = 'guichet-import-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function ageKey(): { identity: string; recipient: string } {
  const identity = path.join(tempDir('guichet-cle-'), 'cle.txt');
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  return { identity, recipient: execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim() };
}

/** A commune with services, journal entries, an agent (an account) and a file. */
async function seedCommune(database: Database, slug: string, file: string, insee?: string) {
  const commune = await insertTestCommune(database, {
    slug,
    name: `Commune de ${slug}`,
    services: [
      { slug: 'accueil', name: 'Accueil' },
      { slug: 'etat-civil', name: 'État civil', description: 'Actes, « livrets » de famille' },
    ],
  });
  const accountId = uuidv7();
  await withTenant(database, commune.id, async (tx) => {
    if (insee) await tx.client.query('UPDATE commune SET insee_code = $1 WHERE id = $2', [insee, commune.id]);
    await tx.client.query(`INSERT INTO account (id, email, given_name) VALUES ($1, $2, 'Agnès')`, [
      accountId,
      `agent-${slug}@example.fr`,
    ]);
    await tx.client.query(
      `INSERT INTO membership (id, commune_id, account_id, role, service_ids)
       SELECT $1, $2, $3, 'agent', array_agg(id) FROM service WHERE commune_id = $2`,
      [uuidv7(), commune.id, accountId],
    );
    for (let i = 1; i <= 3; i += 1) {
      await recordAudit(tx, { actorType: 'agent', actorId: accountId, action: 'mail.sent', data: { n: i, slug } });
    }
    await tx.blobs.put({ communeId: commune.id }, Buffer.from(file));
  });
  return { ...commune, accountId };
}

/** What a commune holds, read the way the export reads it (tables as JSON, files by hash). */
async function holdings(database: Database, commune: { id: string; slug: string; name: string }) {
  const dir = path.join(tempDir(), 'lecture');
  await exportCommune(database, commune, dir, { guichetVersion: 'test', at: new Date(0) });
  const tables: Record<string, unknown> = {};
  for (const name of fs
    .readdirSync(path.join(dir, 'tables'))
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    tables[name.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, 'tables', name), 'utf8'));
  }
  const files = Object.fromEntries(
    fs
      .readdirSync(path.join(dir, 'fichiers'))
      .sort()
      .map((n) => [n, fs.readFileSync(path.join(dir, 'fichiers', n), 'utf8')]),
  );
  return { tables: tables as Record<string, Array<Record<string, unknown>>>, files };
}

async function rowCount(t: TestDatabase, communeId: string): Promise<number> {
  const { rows } = await t.asSuperuser<{ n: string }>(
    `SELECT (SELECT count(*) FROM commune WHERE id = $1) + (SELECT count(*) FROM service WHERE commune_id = $1)
          + (SELECT count(*) FROM audit_entry WHERE commune_id = $1) + (SELECT count(*) FROM membership WHERE commune_id = $1)
          + (SELECT count(*) FROM blob WHERE scope = 'communes/' || $1) AS n`,
    [communeId],
  );
  return Number(rows[0]!.n);
}

/** Flips one byte of a part of the archive and rewrites SHA256SUMS to match (a careful forger). */
function tamper(archive: string, part: string): string {
  const work = tempDir('guichet-altere-');
  execFileSync('tar', ['-xf', archive, '-C', work]);
  const file = path.join(work, part);
  const bytes = fs.readFileSync(file);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  fs.writeFileSync(file, bytes);
  const sums = execFileSync('sha256sum', ['manifest.json.age', 'export.tar.age'], { cwd: work, encoding: 'utf8' });
  fs.writeFileSync(path.join(work, 'SHA256SUMS'), sums);
  const out = path.join(tempDir(), path.basename(archive));
  execFileSync('tar', ['-cf', out, '-C', work, ...fs.readdirSync(work)]);
  return out;
}

/**
 * A forger who has only the public key (it is public) rewrites a table inside the export and
 * re-encrypts it, with a manifest whose part hash matches: the file's own SHA-256 in the manifest
 * still refuses it.
 */
function forge(archive: string, identity: string, recipient: string): string {
  const work = tempDir('guichet-forge-');
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: work, encoding: 'utf8' });
  sh('tar', ['-xf', archive]);
  sh('age', ['-d', '-i', identity, '-o', 'manifest.json', 'manifest.json.age']);
  sh('age', ['-d', '-i', identity, '-o', 'export.tar', 'export.tar.age']);
  fs.mkdirSync(path.join(work, 'x'));
  sh('tar', ['-xf', 'export.tar', '-C', 'x']);
  const services = path.join(work, 'x', 'tables', 'service.json');
  fs.writeFileSync(services, fs.readFileSync(services, 'utf8').replace('État civil', 'État civil (falsifié)'));
  sh('tar', ['-cf', 'export.tar', '-C', 'x', '.']);
  const manifest = JSON.parse(fs.readFileSync(path.join(work, 'manifest.json'), 'utf8'));
  manifest.parts[0].sha256 = sh('sha256sum', ['export.tar']).split(' ')[0];
  manifest.parts[0].bytes = fs.statSync(path.join(work, 'export.tar')).size;
  fs.writeFileSync(path.join(work, 'manifest.json'), JSON.stringify(manifest));
  for (const part of ['manifest.json', 'export.tar']) {
    fs.rmSync(path.join(work, `${part}.age`));
    sh('age', ['-r', recipient, '-o', `${part}.age`, part]);
  }
  fs.writeFileSync(path.join(work, 'SHA256SUMS'), sh('sha256sum', ['manifest.json.age', 'export.tar.age']));
  const out = path.join(tempDir(), path.basename(archive));
  execFileSync('tar', ['-cf', out, '-C', work, 'LISEZMOI.txt', 'SHA256SUMS', 'manifest.json.age', 'export.tar.age']);
  return out;
}

describe.each(TEST_ENGINES)('guichet import on %s', { timeout: 180_000 }, (engine) => {
  const key = ageKey();
  const otherKey = ageKey();
  const config = testConfig({ GUICHET_BACKUP_RECIPIENTS: key.recipient });
  let source: TestDatabase;
  let target: TestDatabase;
  let villebelle: Awaited<ReturnType<typeof seedCommune>>;
  let resident: Awaited<ReturnType<typeof seedCommune>>;
  let archive: string;
  let exported: Awaited<ReturnType<typeof holdings>>;

  beforeAll(async () => {
    source = await createTestDatabase(engine);
    target = await createTestDatabase(engine);
    villebelle = await seedCommune(source.database, 'villebelle', 'arrêté municipal n° 12', '77123');
    await seedCommune(source.database, 'saint-aubin', 'pièce de saint-aubin, restée à la source');
    // The target already serves another commune, which the import must leave as it is.
    resident = await seedCommune(target.database, 'montcombe', 'registre de montcombe');
    const outcome = await exportCommuneData(
      { database: source.database, config },
      'villebelle',
      path.join(tempDir(), 'villebelle'),
    );
    archive = outcome.archiveFile!;
    exported = await holdings(source.database, villebelle);
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('seals the export into an archive that is encrypted and lists every file with its SHA-256', () => {
    const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(['LISEZMOI.txt', 'SHA256SUMS', 'manifest.json.age', 'export.tar.age']);
    const raw = fs.readFileSync(archive);
    expect(raw.includes(Buffer.from('arrêté municipal'))).toBe(false);
    expect(raw.includes(Buffer.from('villebelle'))).toBe(false);
    // The open directory beside it can be checked with sha256sum alone.
    const dir = archive.replace(/\.tar$/, '');
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(
      /tables\/service\.csv: OK/,
    );
  });

  it('refuses a tampered archive or a wrong key, naming the part, and writes nothing', async () => {
    const before = await rowCount(target, villebelle.id);
    await expect(
      importCommuneData({ database: target.database, config }, tamper(archive, 'export.tar.age'), key.identity),
    ).rejects.toThrow(/La partie « export\.tar\.age » est altérée/);
    const untouchedSums = path.join(tempDir(), 'sommes.tar');
    {
      // One byte changed without updating SHA256SUMS: refused before any decryption.
      const work = tempDir('guichet-altere-');
      execFileSync('tar', ['-xf', archive, '-C', work]);
      const file = path.join(work, 'manifest.json.age');
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
      fs.writeFileSync(file, bytes);
      execFileSync('tar', ['-cf', untouchedSums, '-C', work, ...fs.readdirSync(work)]);
    }
    await expect(importCommuneData({ database: target.database, config }, untouchedSums, key.identity)).rejects.toThrow(
      /La partie « manifest\.json\.age » est altérée : son empreinte SHA-256/,
    );
    await expect(
      importCommuneData(
        { database: target.database, config },
        forge(archive, key.identity, key.recipient),
        key.identity,
      ),
    ).rejects.toThrow(
      /Le fichier « tables\/service\.json » est altéré : son empreinte SHA-256 .* ne correspond pas au manifeste/,
    );
    await expect(importCommuneData({ database: target.database, config }, archive, otherKey.identity)).rejects.toThrow(
      /La clé fournie ne déchiffre pas la partie « manifest\.json\.age »/,
    );
    expect(await rowCount(target, villebelle.id)).toBe(before);
    expect(before).toBe(0);
    const failed = await withInstance(target.database, (tx) => latestRun(tx, 'import'));
    expect(failed?.outcome).toBe('echoue');
  });

  it('imports the commune: the same rows and files, its journal intact, the other commune untouched', async () => {
    const residentBefore = await holdings(target.database, resident);
    const outcome = await importCommuneData({ database: target.database, config }, archive, key.identity);
    expect(outcome.outcome.manifest.commune.slug).toBe('villebelle');
    expect(outcome.outcome.files).toBe(1);
    expect(outcome.outcome.placeholderAccounts).toBe(1);

    const imported = await holdings(target.database, villebelle);
    expect(Object.keys(imported.tables)).toEqual(Object.keys(exported.tables));
    for (const [table, rows] of Object.entries(exported.tables)) {
      if (table === 'audit_entry') continue;
      expect(imported.tables[table], table).toEqual(rows);
    }
    // The journal: the three exported entries as they were, then the import's own entry.
    const journal = imported.tables.audit_entry!;
    expect(journal.slice(0, 3)).toEqual(exported.tables.audit_entry);
    expect(journal[3]).toMatchObject({ seq: 4, action: 'continuity.commune_imported', actor_type: 'operator' });
    expect(imported.files).toEqual({ [Object.keys(exported.files)[0]!]: 'arrêté municipal n° 12' });
    const chains = await verifyAllCommunes(target.database);
    expect(chains.map((c) => [c.slug, c.entries, c.firstBreak])).toEqual([
      ['montcombe', 3, null],
      ['villebelle', 4, null],
    ]);
    // Tenancy intact: in montcombe's transaction, nothing of villebelle is visible.
    const seen = await withTenant(target.database, resident.id, (tx) =>
      tx.client.query<{ n: string }>('SELECT count(*) AS n FROM service WHERE commune_id = $1', [villebelle.id]),
    );
    expect(seen.rows[0]!.n).toBe('0');
    expect(await holdings(target.database, resident)).toEqual(residentBefore);
    // The agent's account is not in an export: a disabled placeholder keeps the reference.
    const { rows: accounts } = await target.asSuperuser<{ email: string; disabled: boolean }>(
      'SELECT email, disabled_at IS NOT NULL AS disabled FROM account WHERE id = $1',
      [villebelle.accountId],
    );
    expect(accounts).toEqual([{ email: `${villebelle.accountId}@compte-importe.invalid`, disabled: true }]);
    const run = await withInstance(target.database, (tx) => latestRun(tx, 'import'));
    expect(run).toMatchObject({ outcome: 'reussi', archive: path.basename(archive) });
  });

  it('refuses the same commune twice, and a commune whose slug is already taken, writing nothing', async () => {
    const before = await rowCount(target, villebelle.id);
    await expect(importCommuneData({ database: target.database, config }, archive, key.identity)).rejects.toThrow(
      'La commune « villebelle » existe déjà dans cette instance : « villebelle » a le même identifiant. L’import n’a rien écrit',
    );
    expect(await rowCount(target, villebelle.id)).toBe(before);

    const other = await createTestDatabase(engine);
    try {
      const homonym = await seedCommune(other.database, 'villebelle', 'autre villebelle');
      await expect(importCommuneData({ database: other.database, config }, archive, key.identity)).rejects.toThrow(
        /« villebelle » a la même adresse courte \(slug\)/,
      );
      expect(await rowCount(other, villebelle.id)).toBe(0);
      expect(await rowCount(other, homonym.id)).toBe(8);
    } finally {
      await other.drop();
    }
  });
});
