/**
 * The continuity commands of `guichet`: backup, backup verify, restore, drill. Each prints in
 * French and returns the exit code (0 success, 1 failure, 2 usage). A BackupError's message is
 * meant for the operator (it names the part at fault); anything else is rethrown.
 */
import type { Config } from '../../config/config.js';
import { BackupError } from '../../platform/db/backup/age.js';
import type { ContinuityDeps } from './use-cases/common.js';
import { exportCommuneData } from './use-cases/export-commune.js';
import { importCommuneData } from './use-cases/import-commune.js';
import { copyToOffline } from './use-cases/offline-copy.js';
import { restoreBackup } from './use-cases/restore-backup.js';
import { runDrill } from './use-cases/run-drill.js';
import { describeManifest, takeBackup } from './use-cases/take-backup.js';
import { serverArchiveCommand, takeServerBackup } from './use-cases/take-server-backup.js';
import { verifyBackup } from './use-cases/verify-backup.js';

type Print = (line: string) => void;

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
}

async function reported(printError: Print, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BackupError) {
      printError(`Échec : ${error.message}`);
      return 1;
    }
    throw error;
  }
}

export function backupCommand(
  deps: ContinuityDeps,
  type: string | undefined,
  print: Print,
  printError: Print,
): Promise<number> {
  return reported(printError, async () => {
    if (deps.database.engine === 'postgres') {
      if (type !== 'full' && type !== 'diff' && type !== 'incr') {
        printError('En mode serveur, précisez le type de sauvegarde pgBackRest : --type full, diff ou incr.');
        return 2;
      }
      const outcome = await takeServerBackup(deps, type);
      print(`Sauvegarde pgBackRest terminée : ${outcome.detail}`);
      print(`  archive_command de postgresql.conf : ${serverArchiveCommand(deps)}`);
      return 0;
    }
    if (type !== undefined) {
      printError(
        '--type ne s’applique qu’au mode serveur (pgBackRest) : en mode embarqué, chaque sauvegarde est complète.',
      );
      return 2;
    }
    const outcome = await takeBackup(deps);
    print(`Sauvegarde écrite : ${outcome.file}`);
    print(`  ${outcome.detail}`);
    print(
      `  chiffrée pour ${deps.config.continuity.recipients.length} clé(s) publique(s), en ${seconds(outcome.durationMs)}`,
    );
    return 0;
  });
}

export function verifyCommand(file: string, identityFile: string, print: Print, printError: Print): Promise<number> {
  return reported(printError, async () => {
    const manifest = await verifyBackup(file, identityFile);
    print(`Sauvegarde intègre : ${file}`);
    print(`  du ${manifest.createdAt}, Guichet ${manifest.guichetVersion}, ${describeManifest(manifest)}`);
    for (const part of manifest.parts)
      print(`  OK  ${part.name} (${part.bytes.toLocaleString('fr-FR')} octets, SHA-256 vérifié)`);
    return 0;
  });
}

export function restoreCommand(config: Config, file: string, identityFile: string, print: Print, printError: Print) {
  return reported(printError, async () => {
    const outcome = await restoreBackup(config, file, identityFile);
    print(`Sauvegarde du ${outcome.manifest.createdAt} restaurée dans ${config.dataDir}`);
    print(`  contenu identique au manifeste, ${outcome.communes} journal(s) d’audit intègre(s)`);
    if (outcome.migrationsApplied.length > 0) {
      print(`  migrations appliquées après restauration : ${outcome.migrationsApplied.join(', ')}`);
    }
    print(`  en ${seconds(outcome.durationMs)}`);
    return 0;
  });
}

export function drillCommand(
  deps: ContinuityDeps,
  options: { identityFile?: string; file?: string },
  print: Print,
  printError: Print,
): Promise<number> {
  return reported(printError, async () => {
    const outcome = await runDrill(deps, options);
    print(`Exercice de restauration réussi : ${outcome.archive}`);
    print(`  ${outcome.detail}`);
    print(`  durée de restauration mesurée (RTO) : ${seconds(outcome.durationMs)}`);
    return 0;
  });
}

export function offlineCopyCommand(deps: ContinuityDeps, print: Print, printError: Print): Promise<number> {
  return reported(printError, async () => {
    const outcome = await copyToOffline(deps);
    print(`Copie hors ligne écrite : ${outcome.file}`);
    return 0;
  });
}

export function exportCommand(
  deps: ContinuityDeps,
  slug: string,
  dir: string | undefined,
  print: Print,
  printError: Print,
): Promise<number> {
  return reported(printError, async () => {
    const outcome = await exportCommuneData(deps, slug, dir);
    print(`Export écrit : ${outcome.dir}`);
    print(`  ${outcome.detail} ; formats décrits dans README.md`);
    if (outcome.archiveFile) print(`  archive chiffrée pour « guichet import » : ${outcome.archiveFile}`);
    return 0;
  });
}

export function importCommand(
  deps: ContinuityDeps,
  file: string,
  identityFile: string,
  print: Print,
  printError: Print,
): Promise<number> {
  return reported(printError, async () => {
    const outcome = await importCommuneData(deps, file, identityFile);
    const { commune } = outcome.outcome.manifest;
    print(`Commune importée : ${commune.name} (${commune.slug})`);
    print(`  ${outcome.detail}, en ${seconds(outcome.durationMs)}`);
    if (outcome.outcome.placeholderAccounts > 0) {
      print(
        `  ${outcome.outcome.placeholderAccounts} compte(s) de personnes désigné(s) par ces données ont été créés désactivés : les comptes ne sont pas dans un export.`,
      );
    }
    return 0;
  });
}
