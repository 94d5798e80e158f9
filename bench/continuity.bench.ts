/**
 * Continuity (issue 13), embedded shape. A PGlite instance seeded with one commune (mails in the
 * outbox, a few kilobytes each, and random — incompressible — files in the fs blob store), then:
 * 1. `guichet backup` + `guichet backup verify` (snapshot after CHECKPOINT, tar, age encryption of
 *    each part, SHA-256 of each part before and after, atomic archive; then decrypt and check every
 *    hash) against the baseline measured in the same run: a plain `tar -czf` of the same data
 *    directory and `tar -cf` of the same blob directory, then `sha256sum` of both.
 * 2. `guichet restore` into an empty data directory (decrypt, check, load, inventory every table and
 *    compare it with the manifest, migrate, verify every audit chain) against `tar -xzf` + `tar -xf`
 *    of the baseline's archives.
 * Scale with BENCH_CONTINUITY_SCALE (default 1: 20 000 mails, 40 MB of files). The target
 * (≥ 1 GB, restore ≤ 1.5× the raw tool) needs a larger scale than a shared 2-core machine allows.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { restoreBackup } from '../src/modules/continuity/use-cases/restore-backup.js';
import { takeBackup } from '../src/modules/continuity/use-cases/take-backup.js';
import { verifyBackup } from '../src/modules/continuity/use-cases/verify-backup.js';
import { embeddedDatabaseDir } from '../src/platform/db/client.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { fsBlobBackend } from '../src/platform/files/fs-blob-store.js';
import { openDatabase } from '../src/runtime.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import { percentile, timed } from './lib/timing.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const APP_ROLE = 'guichet_bench_app';

function duSize(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

function config(dataDir: string, env: Record<string, string>) {
  return loadConfig({
    GUICHET_DATA_DIR: dataDir,
    GUICHET_LOG_LEVEL: 'silent',
    GUICHET_SECRET: 'secret-de-banc-d-essai-secret-de-banc-d-essai',
    GUICHET_DB_APP_ROLE: APP_ROLE,
    GUICHET_BLOB_STORE: 'fs',
    ...env,
  });
}

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const scale = Number(process.env.BENCH_CONTINUITY_SCALE ?? '1');
  const mails = Math.round(20_000 * scale);
  const files = Math.round(160 * scale);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-bench-continuite-'));
  try {
    const identity = path.join(work, 'cle.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
    const source = config(path.join(work, 'source'), { GUICHET_BACKUP_RECIPIENTS: recipient });
    const database = await openDatabase(source);
    try {
      const communeId = '01939a5e-0000-7000-8000-000000000001';
      const seed = await timed(() =>
        withTenant(database, communeId, async (tx) => {
          await tx.client.query(`INSERT INTO commune (id, slug, name) VALUES ($1, 'banc-d-essai', 'Banc-d’Essai')`, [
            communeId,
          ]);
          await tx.client.query(
            `INSERT INTO mail_outbox (id, commune_id, template, to_address, subject, text_body, html_body, status)
             SELECT gen_random_uuid(), $1, 'requestReceipt', 'habitant' || i || '@exemple.fr',
                    'Votre demande n° 2026-' || i || ' a bien été reçue',
                    repeat('Bonjour, votre demande d’inscription à la cantine est enregistrée. ' || i || ' ', 30),
                    '<p>' || repeat('Bonjour, votre demande est enregistrée. ' || md5(i::text) || ' ', 30) || '</p>', 'sent'
               FROM generate_series(1, $2) AS i`,
            [communeId, mails],
          );
        }),
      );
      if (source.blobs.store !== 'fs') throw new Error('fs blob store expected');
      const store = await fsBlobBackend(source.blobs.dir);
      for (let i = 0; i < files; i += 1) await store.put(null as never, { communeId }, randomBytes(256 * 1024));
      const pgliteDir = embeddedDatabaseDir(source);
      const blobDir = source.blobs.dir;
      ctx.print(
        `${formatNumber(mails, 0)} mails, ${formatNumber(files, 0)} files of 256 KiB; data directory ${formatNumber(duSize(pgliteDir) / 1e6, 1)} MB, files ${formatNumber(duSize(blobDir) / 1e6, 1)} MB (seeded in ${formatNumber(seed.ms / 1000, 1)} s)`,
      );

      const rounds = Math.max(2, Math.min(5, Math.round(ctx.seconds / 4)));
      const base = Date.UTC(2026, 11, 7, 2, 30);
      const guichetBackup: number[] = [];
      const guichetVerify: number[] = [];
      const rawBackup: number[] = [];
      const guichetRestore: number[] = [];
      const rawRestore: number[] = [];
      let bytes = 0;
      for (let round = 0; round < rounds; round += 1) {
        const rawDir = path.join(work, `brut-${round}`);
        fs.mkdirSync(rawDir);
        rawBackup.push(
          (
            await timed(async () => {
              execFileSync('tar', ['-czf', path.join(rawDir, 'base.tar.gz'), '-C', pgliteDir, '.']);
              execFileSync('tar', ['-cf', path.join(rawDir, 'fichiers.tar'), '-C', blobDir, '.']);
              execFileSync('sha256sum', ['base.tar.gz', 'fichiers.tar'], { cwd: rawDir });
            })
          ).ms,
        );
        const at = new Date(base + round * 1000);
        const backup = await timed(() => takeBackup({ database, config: source }, () => at));
        guichetBackup.push(backup.ms);
        bytes = fs.statSync(backup.value.file).size;
        guichetVerify.push((await timed(() => verifyBackup(backup.value.file, identity))).ms);

        const rawTarget = path.join(work, `brut-restaure-${round}`);
        fs.mkdirSync(path.join(rawTarget, 'pglite'), { recursive: true });
        fs.mkdirSync(path.join(rawTarget, 'fichiers'));
        rawRestore.push(
          (
            await timed(async () => {
              execFileSync('tar', ['-xzf', path.join(rawDir, 'base.tar.gz'), '-C', path.join(rawTarget, 'pglite')]);
              execFileSync('tar', ['-xf', path.join(rawDir, 'fichiers.tar'), '-C', path.join(rawTarget, 'fichiers')]);
            })
          ).ms,
        );
        const target = config(path.join(work, `restaure-${round}`), {});
        guichetRestore.push((await timed(() => restoreBackup(target, backup.value.file, identity))).ms);
        fs.rmSync(rawDir, { recursive: true, force: true });
        fs.rmSync(rawTarget, { recursive: true, force: true });
        fs.rmSync(target.dataDir, { recursive: true, force: true });
      }
      const p50 = (values: number[]) => percentile(values, 50);
      const backupAndVerify = guichetBackup.map((ms, i) => ms + guichetVerify[i]!);
      ctx.print(
        renderTable(
          [`backup (${rounds} rounds, archive ${formatNumber(bytes / 1e6, 1)} MB)`, 'p50 s', 'ratio (p50)'],
          [
            ['tar -czf + tar -cf + sha256sum (baseline)', (p50(rawBackup) / 1000).toFixed(2), '1 (baseline)'],
            ['guichet backup', (p50(guichetBackup) / 1000).toFixed(2), formatRatio(p50(guichetBackup), p50(rawBackup))],
            [
              'guichet backup verify',
              (p50(guichetVerify) / 1000).toFixed(2),
              formatRatio(p50(guichetVerify), p50(rawBackup)),
            ],
            [
              'guichet backup + verify',
              (p50(backupAndVerify) / 1000).toFixed(2),
              formatRatio(p50(backupAndVerify), p50(rawBackup)),
            ],
          ],
          ['left', 'right', 'right'],
        ),
      );
      ctx.print(
        renderTable(
          ['restore into an empty data directory', 'p50 s', 'ratio (p50)'],
          [
            ['tar -xzf + tar -xf (baseline)', (p50(rawRestore) / 1000).toFixed(2), '1 (baseline)'],
            [
              'guichet restore',
              (p50(guichetRestore) / 1000).toFixed(2),
              formatRatio(p50(guichetRestore), p50(rawRestore)),
            ],
          ],
          ['left', 'right', 'right'],
        ),
      );
      const file = ctx.writeResults('continuity', {
        mails,
        files,
        rounds,
        archiveBytes: bytes,
        ms: { rawBackup, guichetBackup, guichetVerify, rawRestore, guichetRestore },
      });
      ctx.print(`results: ${file}`);
      return { ok: true };
    } finally {
      await database.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'continuity',
  title: 'embedded backup + verify and restore (age, manifest, hashes) vs plain tar + sha256sum',
  run,
};
export default benchmark;
