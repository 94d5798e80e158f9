/**
 * `guichet backup --type full|diff|incr` in the server shape: Guichet writes pgbackrest.conf from
 * its configuration (repository encrypted with aes-256-cbc, retention) when it changed, runs the
 * backup, and creates the stanza first only when pgBackRest says there is none; WAL is archived continuously by
 * PostgreSQL's archive_command (docs/operations/restore.md). The run is recorded.
 */
import path from 'node:path';
import { BackupError } from '../../../platform/db/backup/age.js';
import {
  archiveCommand,
  backup,
  info,
  type PgBackRestBackupType,
  type PgBackRestRunner,
  stanzaCreate,
  writePgbackrestConfig,
} from '../../../platform/db/backup/pgbackrest.js';
import { type ContinuityDeps, recorded } from './common.js';

/** pgBackRest's answer when the repository has no stanza yet (FileMissingError on backup.info). */
const MISSING_STANZA = /\[055\]|stanza-create/;

export function pgbackrestRunner(deps: ContinuityDeps): PgBackRestRunner {
  const p = deps.config.continuity.pgbackrest;
  if (!p) {
    throw new BackupError(
      'pgBackRest n’est pas configuré : définissez GUICHET_PGBACKREST_REPO_PATH, GUICHET_PGBACKREST_CIPHER_PASS et GUICHET_PGBACKREST_PG_PATH (voir docs/operations/restore.md).',
    );
  }
  return { command: p.command, configFile: path.join(p.workDir, 'pgbackrest.conf'), stanza: p.stanza };
}

/** The archive_command to put in postgresql.conf for this configuration. */
export function serverArchiveCommand(deps: ContinuityDeps): string {
  const runner = pgbackrestRunner(deps);
  return archiveCommand(runner.configFile, runner.stanza);
}

export async function takeServerBackup(deps: ContinuityDeps, type: PgBackRestBackupType) {
  const runner = pgbackrestRunner(deps);
  const p = deps.config.continuity.pgbackrest!;
  return recorded(deps.database, 'sauvegarde', async () => {
    await writePgbackrestConfig(runner.configFile, {
      stanza: p.stanza,
      repoPath: p.repoPath,
      cipherPass: p.cipherPass,
      pgPath: p.pgPath,
      pgPort: p.pgPort,
      retentionFull: p.retention.full,
      retentionDiff: p.retention.diff,
      workDir: p.workDir,
    });
    // The stanza is created once: a backup into a repository without it fails with pgBackRest's
    // [055] (« has a stanza-create been performed? »), then it is created and the backup run again
    // — one pgBackRest run saved on every other night.
    await backup(runner, type).catch(async (error: unknown) => {
      if (!MISSING_STANZA.test(error instanceof Error ? error.message : '')) throw error;
      await stanzaCreate(runner);
      await backup(runner, type);
    });
    const { backups, lastWal } = await info(runner);
    const last = backups.at(-1);
    return {
      archive: last ? `pgbackrest:${p.stanza}/${last.label}` : null,
      detail: `sauvegarde ${type} pgBackRest ${last?.label ?? '?'}, ${backups.length} sauvegarde(s) dans le dépôt, dernier WAL archivé ${lastWal ?? 'aucun'}`,
      label: last?.label ?? null,
      lastWal,
    };
  });
}
