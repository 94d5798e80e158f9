/**
 * Continuity (issue 13), server shape. A throw-away PostgreSQL cluster of this bench's own
 * (initdb on a loopback port, archive_mode on, archive_command = pgbackrest archive-push —
 * never the machine's main cluster), a Guichet database in it (migrations, one commune, rows in
 * the outbox up to BENCH_CONTINUITY_SERVER_MB megabytes, default 256), then in the same run:
 * 1. `guichet backup --type full` (takeServerBackup: writes pgbackrest.conf, stanza-create,
 *    pgBackRest's full backup of the encrypted repository, `info`, the run recorded) against
 *    pgBackRest alone (`pgbackrest backup --type=full`) and `pg_dump -Fc` of the same database;
 * 2. the restore: pgBackRest's `restore` into an empty data directory, started on another port
 *    and waited for until it accepts connections (what docs/operations/restore.md has an
 *    operator do; Guichet adds no step of its own in the server shape), against `pg_restore`
 *    into an empty database.
 * Skipped, saying why, without the PostgreSQL server binaries (GUICHET_TEST_PG_BIN) or pgBackRest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { serverArchiveCommand, takeServerBackup } from '../src/modules/continuity/use-cases/take-server-backup.js';
import {
  backup,
  type PgBackRestRunner,
  runPgbackrest,
  writePgbackrestConfig,
} from '../src/platform/db/backup/pgbackrest.js';
import { openPostgres } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { APP_ROLE, createBenchDatabase } from './lib/postgres.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const PG_BIN = process.env.GUICHET_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const STANZA = 'guichet';
/** initdb, the server and pgBackRest refuse to run as root: as root, they run as postgres. */
const asRoot = process.getuid?.() === 0;
const wrap = (command: string[]) => (asRoot ? ['runuser', '-u', 'postgres', '--', ...command] : command);

function run(command: string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  const [bin, ...args] = wrap(command);
  return execFileSync(bin!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function duSize(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

async function waitForConnections(port: number): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      await client.end();
      if (!rows[0]!.r) return;
    } catch {
      await client.end().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the restored cluster on port ${port} never accepted connections`);
}

async function run_(ctx: BenchContext): Promise<BenchOutcome> {
  if (!fs.existsSync(path.join(PG_BIN, 'initdb')) || spawnSync('pgbackrest', ['version']).status !== 0) {
    ctx.print(`skipped: ${PG_BIN}/initdb or pgbackrest missing (Debian packages postgresql-15 and pgbackrest)`);
    return { ok: true };
  }
  const megabytes = Number(process.env.BENCH_CONTINUITY_SERVER_MB ?? '256');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-continuite-serveur-'));
  const pgData = path.join(work, 'pgdata');
  // pgBackRest reaches the cluster by its socket in the default directory (pg1-port only).
  const socketDir = '/var/run/postgresql';
  const dataDir = path.join(work, 'guichet');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const restoredPort = port + 1;
  fs.mkdirSync(path.join(dataDir, 'pgbackrest'), { recursive: true });
  fs.mkdirSync(path.join(work, 'depot'));
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', work]);
  const pgCtl = (dir: string, action: 'start' | 'stop', log = 'postgres.log') =>
    run([path.join(PG_BIN, 'pg_ctl'), '-D', dir, '-l', path.join(work, log), '-w', '-t', '600', '-m', 'fast', action]);
  const started: string[] = [];
  try {
    run([path.join(PG_BIN, 'initdb'), '-D', pgData, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    const env = {
      GUICHET_DATA_DIR: dataDir,
      GUICHET_LOG_LEVEL: 'silent',
      GUICHET_SECRET: 'secret-de-banc-d-essai-secret-de-banc-d-essai',
      GUICHET_PGBACKREST_REPO_PATH: path.join(work, 'depot'),
      GUICHET_PGBACKREST_CIPHER_PASS: randomBytes(24).toString('base64'),
      GUICHET_PGBACKREST_PG_PATH: pgData,
      GUICHET_PGBACKREST_PG_PORT: String(port),
      GUICHET_PGBACKREST_STANZA: STANZA,
      GUICHET_PGBACKREST_COMMAND: wrap(['pgbackrest']).join(' '),
    };
    const probe = loadConfig(env);
    const p = probe.continuity.pgbackrest!;
    const configFile = path.join(p.workDir, 'pgbackrest.conf');
    // As an operator would: the configuration written once, then given to postgres (restore.md §3).
    await writePgbackrestConfig(configFile, {
      stanza: p.stanza,
      repoPath: p.repoPath,
      cipherPass: p.cipherPass,
      pgPath: p.pgPath,
      pgPort: p.pgPort,
      retentionFull: p.retention.full,
      retentionDiff: p.retention.diff,
      workDir: p.workDir,
    });
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', p.workDir]);
    fs.appendFileSync(
      path.join(pgData, 'postgresql.conf'),
      `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${socketDir}'\n` +
        `wal_level = replica\narchive_mode = on\narchive_command = '${serverArchiveCommand({ config: probe } as never)}'\n` +
        'max_wal_size = 1GB\n',
    );
    pgCtl(pgData, 'start');
    started.push(pgData);

    const bench = await createBenchDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`);
    const config = loadConfig({ ...env, DATABASE_URL: bench.appUrl, GUICHET_DB_APP_ROLE: APP_ROLE });
    const owner = new pg.Pool({ connectionString: bench.ownerUrl, max: 2 });
    const database = openPostgres(bench.appUrl, APP_ROLE, 2);
    try {
      await migrate(owner, APP_ROLE);
      const communeId = '01939a5e-0000-7000-8000-000000000001';
      await owner.query(`INSERT INTO commune (id, slug, name) VALUES ($1, 'banc-d-essai', 'Banc-d’Essai')`, [
        communeId,
      ]);
      // Rows of about 8 kB (random text: incompressible, as stored documents and mail bodies are).
      const perRow = 8_000;
      const rows = Math.round((megabytes * 1e6) / perRow);
      const seed = await timed(async () => {
        for (let done = 0; done < rows; done += 5_000) {
          await withTenant(database, communeId, (tx) =>
            tx.client.query(
              `INSERT INTO mail_outbox (id, commune_id, template, to_address, subject, text_body, html_body, status)
               SELECT gen_random_uuid(), $1, 'requestReceipt', 'habitant' || i || '@exemple.fr',
                      'Votre demande n° 2026-' || i || ' a bien été reçue',
                      (SELECT string_agg(md5(random()::text || i || g), '') FROM generate_series(1, $3) g),
                      '<p>ok</p>', 'sent'
                 FROM generate_series($2::int + 1, $2::int + least(5000, $4::int - $2::int)) AS i`,
              [communeId, done, Math.round(perRow / 32), rows],
            ),
          );
        }
      });
      const { rows: size } = await owner.query<{ bytes: string }>(
        'SELECT pg_database_size(current_database())::bigint AS bytes',
      );
      const dbBytes = Number(size[0]!.bytes);
      ctx.print(
        `${formatNumber(rows, 0)} rows in mail_outbox; database ${formatNumber(dbBytes / 1e6, 0)} MB, cluster ${formatNumber(duSize(pgData) / 1e6, 0)} MB (seeded in ${formatNumber(seed.ms / 1000, 1)} s)`,
      );

      const runner: PgBackRestRunner = {
        command: wrap(['pgbackrest']),
        configFile,
        stanza: STANZA,
      };
      const deps = { database, config };
      // The first `guichet backup` writes the configuration and creates the stanza: warm-up, not timed.
      await takeServerBackup(deps, 'full');

      const rounds = Math.max(2, Math.min(4, Math.round(ctx.seconds / 8)));
      const guichetBackup: number[] = [];
      const rawBackup: number[] = [];
      const dumpBackup: number[] = [];
      const rawRestore: number[] = [];
      const dumpRestore: number[] = [];
      const dumpFile = path.join(work, 'base.dump');
      let dumpBytes = 0;
      for (let round = 0; round < rounds; round += 1) {
        guichetBackup.push((await timed(() => takeServerBackup(deps, 'full'))).ms);
        rawBackup.push((await timed(() => backup(runner, 'full'))).ms);
        dumpBackup.push(
          (
            await timed(async () => {
              // As the superuser: forced row-level security would stop the owner's dump.
              execFileSync('pg_dump', ['-Fc', '-f', dumpFile, `postgresql://postgres@127.0.0.1:${port}/${bench.name}`]);
            })
          ).ms,
        );
        dumpBytes = fs.statSync(dumpFile).size;

        // pgBackRest's restore of the latest backup into an empty data directory, then started.
        const target = path.join(work, `restaure-${round}`);
        fs.mkdirSync(target, { mode: 0o700 });
        if (asRoot) execFileSync('chown', ['postgres:postgres', target]);
        rawRestore.push(
          (
            await timed(async () => {
              await runPgbackrest(runner, [
                'restore',
                `--pg1-path=${target}`,
                '--type=immediate',
                '--target-action=promote',
              ]);
              fs.appendFileSync(
                path.join(target, 'postgresql.auto.conf'),
                `\nport = ${restoredPort}\narchive_mode = off\n`,
              );
              pgCtl(target, 'start', `restaure-${round}.log`);
              await waitForConnections(restoredPort);
            })
          ).ms,
        );
        pgCtl(target, 'stop', `restaure-${round}.log`);
        fs.rmSync(target, { recursive: true, force: true });

        // pg_restore of the dump into an empty database of the same cluster.
        const restored = `guichet_bench_restaure_${round}`;
        const creator = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
        await creator.connect();
        await creator.query(`CREATE DATABASE ${restored}`);
        await creator.end();
        dumpRestore.push(
          (
            await timed(async () => {
              execFileSync('pg_restore', [
                '--no-owner',
                '-d',
                `postgresql://postgres@127.0.0.1:${port}/${restored}`,
                dumpFile,
              ]);
            })
          ).ms,
        );
        const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
        await admin.connect();
        await admin.query(`DROP DATABASE ${restored} WITH (FORCE)`);
        await admin.end();
      }
      const p50 = (values: number[]) => percentile(values, 50);
      const repoBytes = duSize(path.join(work, 'depot'));
      ctx.print(
        renderTable(
          [
            `full backup of ${formatNumber(dbBytes / 1e6, 0)} MB (${rounds} rounds)`,
            'p50 s',
            'vs pgBackRest',
            'vs pg_dump',
          ],
          [
            [
              'pgbackrest backup --type=full (baseline)',
              (p50(rawBackup) / 1000).toFixed(2),
              '1',
              formatRatio(p50(rawBackup), p50(dumpBackup)),
            ],
            [
              'guichet backup --type full',
              (p50(guichetBackup) / 1000).toFixed(2),
              formatRatio(p50(guichetBackup), p50(rawBackup)),
              formatRatio(p50(guichetBackup), p50(dumpBackup)),
            ],
            [
              `pg_dump -Fc (${formatNumber(dumpBytes / 1e6, 0)} MB)`,
              (p50(dumpBackup) / 1000).toFixed(2),
              formatRatio(p50(dumpBackup), p50(rawBackup)),
              '1',
            ],
          ],
          ['left', 'right', 'right', 'right'],
        ),
      );
      ctx.print(
        renderTable(
          ['restore into an empty target', 'p50 s', 'vs pg_restore'],
          [
            ['pg_restore into an empty database (baseline)', (p50(dumpRestore) / 1000).toFixed(2), '1'],
            [
              'pgbackrest restore + start (the server shape’s restore)',
              (p50(rawRestore) / 1000).toFixed(2),
              formatRatio(p50(rawRestore), p50(dumpRestore)),
            ],
          ],
          ['left', 'right', 'right'],
        ),
      );
      ctx.print(
        `repository (encrypted, zstd; ${rounds * 2 + 1} full backups taken, the retention keeps 2, with their WAL): ${formatNumber(repoBytes / 1e6, 0)} MB`,
      );
      const file = ctx.writeResults('continuity-server', {
        megabytes,
        databaseBytes: dbBytes,
        rounds,
        ms: { guichetBackup, rawBackup, dumpBackup, rawRestore, dumpRestore },
      });
      ctx.print(`results: ${file}`);
      return { ok: true };
    } finally {
      await database.close();
      await owner.end();
      await bench.drop();
    }
  } finally {
    for (const dir of started) {
      try {
        pgCtl(dir, 'stop');
      } catch {
        // already stopped
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'continuity-server',
  title: 'server shape: guichet backup (pgBackRest) vs pgBackRest alone and pg_dump; restore vs pg_restore',
  run: run_,
};
export default benchmark;
