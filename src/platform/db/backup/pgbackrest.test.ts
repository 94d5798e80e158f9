/**
 * pgBackRest on a throwaway PostgreSQL cluster this test creates itself (initdb on a loopback port
 * in a temporary directory, archive_mode on, archive_command = pgbackrest archive-push), never the
 * machine's main cluster: full backup, rows deleted, point-in-time recovery to the minute before
 * the deletion (--type=time), rows back. Skipped, saying why, when the PostgreSQL binaries are absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  archiveCommand,
  backup,
  checkArchiving,
  info,
  type PgBackRestRunner,
  pgbackrestConfig,
  restoreToTime,
  stanzaCreate,
  waitForPromotion,
  writePgbackrestConfig,
} from './pgbackrest.js';

const PG_BIN = process.env.GUICHET_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const available = fs.existsSync(path.join(PG_BIN, 'initdb')) && spawnSync('pgbackrest', ['version']).status === 0;
if (!available) {
  console.warn(
    `pgbackrest.test.ts ignoré : ${PG_BIN}/initdb ou pgbackrest absent (paquets postgresql-15 et pgbackrest ; GUICHET_TEST_PG_BIN pour un autre dossier).`,
  );
}

// initdb and the server refuse to run as root: as root, run them (and pgBackRest) as postgres.
const asRoot = process.getuid?.() === 0;
const wrap = (command: string[]) => (asRoot ? ['runuser', '-u', 'postgres', '--', ...command] : command);
function run(command: string[]): string {
  const [bin, ...args] = wrap(command);
  return execFileSync(bin!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-pgbackrest-'));
const pgData = path.join(root, 'pgdata');
const socketDir = path.join(root, 'sock');
const configFile = path.join(root, 'pgbackrest', 'pgbackrest.conf');
const port = 20_000 + Math.floor(Math.random() * 20_000);
let started = false;

function pgCtl(action: 'start' | 'stop') {
  run([path.join(PG_BIN, 'pg_ctl'), '-D', pgData, '-l', path.join(root, 'postgres.log'), '-w', '-m', 'fast', action]);
  started = action === 'start';
}

afterAll(() => {
  if (started) {
    try {
      pgCtl('stop');
    } catch {
      // already stopped
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!available)('pgBackRest on a throwaway cluster', () => {
  it('writes an encrypted repository configuration without leaking the passphrase elsewhere', () => {
    const text = pgbackrestConfig({
      stanza: 'guichet',
      repoPath: '/var/lib/pgbackrest',
      cipherPass: 'une-phrase-de-passe-assez-longue',
      pgPath: '/var/lib/postgresql/15/main',
      pgPort: 5432,
      retentionFull: 2,
      retentionDiff: 6,
      workDir: '/var/lib/guichet/pgbackrest',
    });
    expect(text).toContain('repo1-cipher-type=aes-256-cbc');
    expect(text).toContain('repo1-retention-full=2');
    expect(text).toContain('[guichet]\npg1-path=/var/lib/postgresql/15/main');
    expect(() =>
      pgbackrestConfig({
        stanza: 'guichet',
        repoPath: '/r',
        cipherPass: 'courte',
        pgPath: '/p',
        pgPort: 5432,
        retentionFull: 1,
        retentionDiff: 1,
        workDir: '/w',
      }),
    ).toThrow(/au moins 20 caractères/);
  });

  it('restores to a point in time before rows were deleted', async () => {
    fs.mkdirSync(socketDir);
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
    run([path.join(PG_BIN, 'initdb'), '-D', pgData, '-U', 'postgres', '--auth=trust', '--no-sync']);
    const runner: PgBackRestRunner = { command: wrap(['pgbackrest']), configFile, stanza: 'guichet' };
    await writePgbackrestConfig(configFile, {
      stanza: 'guichet',
      repoPath: path.join(root, 'depot'),
      cipherPass: 'phrase-de-passe-du-depot-de-test',
      pgPath: pgData,
      pgPort: port,
      pgSocketPath: socketDir,
      retentionFull: 2,
      retentionDiff: 3,
      workDir: path.join(root, 'pgbackrest'),
    });
    fs.mkdirSync(path.join(root, 'depot'), { recursive: true });
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
    fs.appendFileSync(
      path.join(pgData, 'postgresql.conf'),
      `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${socketDir}'\n` +
        `wal_level = replica\narchive_mode = on\narchive_command = '${archiveCommand(configFile, 'guichet')}'\n` +
        'fsync = off\nmax_wal_size = 64MB\n',
    );
    pgCtl('start');
    await stanzaCreate(runner);
    await checkArchiving(runner);
    await query('CREATE TABLE arrete (id integer PRIMARY KEY, objet text NOT NULL)');
    await query("INSERT INTO arrete SELECT g, 'arrêté n° ' || g FROM generate_series(1, 250) g");
    await backup(runner, 'full');
    await query("INSERT INTO arrete SELECT g, 'arrêté n° ' || g FROM generate_series(251, 300) g");
    await backup(runner, 'incr');
    const [{ before }] = (await query<{ before: string }>('SELECT clock_timestamp()::text AS before')) as [
      { before: string },
    ];
    await query('DELETE FROM arrete WHERE id > 10');
    await checkArchiving(runner); // switches WAL and waits until the deletion's segment is archived
    const { backups, lastWal } = await info(runner);
    expect(backups.map((b) => b.type)).toEqual(['full', 'incr']);
    expect(lastWal).toMatch(/^[0-9A-F]{24}$/);
    // The repository is encrypted: the rows' text appears in none of its files.
    const repoFiles = execFileSync('find', [path.join(root, 'depot'), '-type', 'f'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    for (const file of repoFiles) expect(fs.readFileSync(file).includes(Buffer.from('arrêté n°'))).toBe(false);

    pgCtl('stop');
    await restoreToTime(runner, before);
    pgCtl('start'); // returns once read-only connections are accepted, WAL replay still running
    await waitForPromotion(async () => {
      const [row] = await query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      return row!.r;
    });
    const [{ recovering }] = (await query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering')) as [
      { recovering: boolean },
    ];
    expect(recovering).toBe(false);
    const [{ n }] = (await query<{ n: string }>('SELECT count(*) AS n FROM arrete')) as [{ n: string }];
    expect(Number(n)).toBe(300);
  }, 120_000);
});

describe('the configuration file given to postgres', () => {
  it('is rewritten in place, keeping the owner and mode the operator gave it, and left alone when unchanged', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-pgbackrest-conf-'));
    try {
      const file = path.join(dir, 'pgbackrest.conf');
      const settings = {
        stanza: 'guichet',
        repoPath: '/var/lib/pgbackrest',
        cipherPass: 'une-phrase-de-passe-assez-longue',
        pgPath: '/var/lib/postgresql/15/main',
        pgPort: 5432,
        retentionFull: 2,
        retentionDiff: 6,
        workDir: path.join(dir, 'travail'),
      };
      await writePgbackrestConfig(file, settings);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // The operator's chmod (a chown to postgres cannot be shown without root: the inode stands for it).
      fs.chmodSync(file, 0o640);
      const before = fs.statSync(file);
      await writePgbackrestConfig(file, settings);
      expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
      await writePgbackrestConfig(file, { ...settings, retentionFull: 3 });
      const after = fs.statSync(file);
      expect(after.ino).toBe(before.ino);
      expect(after.mode & 0o777).toBe(0o640);
      expect(fs.readFileSync(file, 'utf8')).toContain('repo1-retention-full=3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('waiting for the end of a point-in-time recovery', () => {
  it('returns once the server has left recovery, and refuses in French when it never does', async () => {
    const answers = [true, true, false];
    let asked = 0;
    await waitForPromotion(async () => answers[asked++]!, { intervalMs: 1 });
    expect(asked).toBe(3);
    await expect(waitForPromotion(async () => true, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      /rejoue encore les journaux/,
    );
  });
});
