/**
 * The server shape's backups drive pgBackRest (Debian package `pgbackrest`), the tool an OPSN's
 * DBAs already trust (decision 0031): full / differential / incremental backups, continuous WAL
 * archiving (PostgreSQL's archive_command runs `pgbackrest archive-push`), repository encryption
 * (aes-256-cbc with a passphrase from the configuration) and retention. Guichet writes the
 * configuration file (mode 0600: it holds the passphrase) and runs the commands; restores are done
 * with pgBackRest itself, cluster stopped (docs/operations/restore.md).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BackupError } from './age.js';

export type PgBackRestBackupType = 'full' | 'diff' | 'incr';

export interface PgBackRestSettings {
  stanza: string;
  /** The repository (a directory; pgBackRest also supports S3, Azure, GCS repositories). */
  repoPath: string;
  /** Passphrase of the repository's aes-256-cbc encryption: never logged, only in the 0600 file. */
  cipherPass: string;
  /** The cluster's data directory and how to reach it. */
  pgPath: string;
  pgPort: number;
  pgSocketPath?: string;
  pgUser?: string;
  /** Full backups kept (older ones expire with their differentials and WAL). */
  retentionFull: number;
  /** Differential backups kept per full backup. */
  retentionDiff: number;
  /** pgBackRest's log, lock and spool directories (default under the repository's parent). */
  workDir: string;
}

const STANZA = /^[A-Za-z0-9_-]{1,64}$/;

/** The pgbackrest.conf for these settings. */
export function pgbackrestConfig(s: PgBackRestSettings): string {
  if (!STANZA.test(s.stanza)) throw new BackupError(`Nom de stanza pgBackRest invalide : ${s.stanza}`);
  if (s.cipherPass.length < 20 || /[\r\n]/.test(s.cipherPass)) {
    throw new BackupError('La phrase de passe du dépôt pgBackRest doit faire au moins 20 caractères, sur une ligne.');
  }
  const lines = [
    '# Écrit par Guichet (guichet backup) : ne pas modifier à la main, changer la configuration.',
    '[global]',
    `repo1-path=${s.repoPath}`,
    'repo1-cipher-type=aes-256-cbc',
    `repo1-cipher-pass=${s.cipherPass}`,
    `repo1-retention-full=${s.retentionFull}`,
    `repo1-retention-diff=${s.retentionDiff}`,
    'start-fast=y',
    'compress-type=zst',
    `log-path=${path.join(s.workDir, 'log')}`,
    `lock-path=${path.join(s.workDir, 'lock')}`,
    `spool-path=${path.join(s.workDir, 'spool')}`,
    'log-level-console=warn',
    'log-level-file=info',
    '',
    `[${s.stanza}]`,
    `pg1-path=${s.pgPath}`,
    `pg1-port=${s.pgPort}`,
    ...(s.pgSocketPath ? [`pg1-socket-path=${s.pgSocketPath}`] : []),
    ...(s.pgUser ? [`pg1-user=${s.pgUser}`] : []),
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes the configuration file (0600) and the work directories. pgBackRest runs as the cluster's
 * user (postgres), so the operator gives it the file once (`chown postgres`, docs/operations/
 * restore.md): an existing file is left alone when unchanged and otherwise rewritten in place,
 * keeping its owner and mode — a new file by rename would be the Guichet user's again, unreadable
 * by postgres at the next backup.
 */
export async function writePgbackrestConfig(file: string, s: PgBackRestSettings): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  for (const d of ['log', 'lock', 'spool']) await fs.mkdir(path.join(s.workDir, d), { recursive: true, mode: 0o750 });
  const text = pgbackrestConfig(s);
  const current = await fs.readFile(file, 'utf8').catch(() => null);
  if (current === text) return;
  if (current !== null) {
    await fs.writeFile(file, text);
    return;
  }
  const tmp = `${file}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** PostgreSQL's archive_command for this configuration (postgresql.conf, with archive_mode = on). */
export function archiveCommand(configFile: string, stanza: string): string {
  return `pgbackrest --config=${configFile} --stanza=${stanza} archive-push %p`;
}

export interface PgBackRestRunner {
  /** The command and its leading arguments, e.g. ['pgbackrest'] or ['runuser', '-u', 'postgres', '--', 'pgbackrest']. */
  command: readonly string[];
  configFile: string;
  stanza: string;
}

/** Runs one pgBackRest command; its stdout is returned, its failure reported in French. */
export function runPgbackrest(runner: PgBackRestRunner, args: string[]): Promise<string> {
  const [bin, ...lead] = runner.command;
  const argv = [...lead, `--config=${runner.configFile}`, `--stanza=${runner.stanza}`, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(bin!, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', (error) =>
      reject(
        new BackupError(
          `pgBackRest est introuvable (${(error as Error).message}) : installez le paquet Debian « pgbackrest ».`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else {
        const detail = `${stderr}\n${stdout}`.replace(/\s+/g, ' ').trim().slice(0, 1000);
        reject(new BackupError(`pgbackrest ${args[0]} a échoué (code ${code}) : ${detail}`));
      }
    });
  });
}

export const stanzaCreate = (r: PgBackRestRunner) => runPgbackrest(r, ['stanza-create']);
export const checkArchiving = (r: PgBackRestRunner) => runPgbackrest(r, ['check']);
export const backup = (r: PgBackRestRunner, type: PgBackRestBackupType) =>
  runPgbackrest(r, ['backup', `--type=${type}`]);

export interface PgBackRestBackupInfo {
  label: string;
  type: PgBackRestBackupType;
  start: Date;
  stop: Date;
  /** Size of the database at backup time, in bytes. */
  size: number;
  /** Size stored in the repository (compressed, encrypted), in bytes. */
  repoSize: number;
}

/** The backups of the stanza (pgbackrest info --output=json), oldest first, and the last WAL archived. */
export async function info(r: PgBackRestRunner): Promise<{ backups: PgBackRestBackupInfo[]; lastWal: string | null }> {
  const raw = JSON.parse(await runPgbackrest(r, ['info', '--output=json'])) as Array<{
    backup: Array<{
      label: string;
      type: PgBackRestBackupType;
      timestamp: { start: number; stop: number };
      info: { size: number; repository: { delta: number } };
    }>;
    archive: Array<{ max: string | null }>;
  }>;
  const stanza = raw[0];
  return {
    backups: (stanza?.backup ?? []).map((b) => ({
      label: b.label,
      type: b.type,
      start: new Date(b.timestamp.start * 1000),
      stop: new Date(b.timestamp.stop * 1000),
      size: b.info.size,
      repoSize: b.info.repository.delta,
    })),
    lastWal: stanza?.archive?.at(-1)?.max ?? null,
  };
}

/**
 * Point-in-time recovery into the (stopped) cluster's data directory: replays WAL up to `target`
 * and promotes. `--delta` reuses the files that did not change. `target`: an instant, or a
 * PostgreSQL timestamp with time zone as text (e.g. '2026-12-02 19:40:00.123456+00').
 */
export const restoreToTime = (r: PgBackRestRunner, target: Date | string) =>
  runPgbackrest(r, [
    'restore',
    '--delta',
    '--type=time',
    `--target=${typeof target === 'string' ? target : target.toISOString().replace('T', ' ').replace('Z', '+00')}`,
    '--target-action=promote',
  ]);

/**
 * After a point-in-time restore, PostgreSQL accepts read-only connections as soon as the backup is
 * consistent, while it is still replaying WAL towards the target: a `pg_ctl start -w`, or a
 * service manager, returns too early, and what is read then is the backup, not the target. Polls
 * `pg_is_in_recovery()` (through the caller's `isInRecovery`) until recovery has ended and the
 * server was promoted; refuses, in French, after `timeoutMs`.
 */
export async function waitForPromotion(
  isInRecovery: () => Promise<boolean>,
  { timeoutMs = 120_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await isInRecovery()) {
    if (Date.now() > deadline) {
      throw new BackupError(
        `PostgreSQL rejoue encore les journaux après ${Math.round(timeoutMs / 1000)} s : la restauration n’est pas terminée (voir le journal du serveur).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
