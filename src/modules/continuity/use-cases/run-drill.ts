/**
 * `guichet drill` (and the scheduled drill): the latest backup restored into a scratch database in
 * memory, its row counts and content hashes compared with the manifest, its audit chains verified
 * and their heads compared with the heads anchored in the manifest; the live journal must still
 * hold those anchored heads (deleting the last entries of a chain is detected). Timed end to end:
 * the duration is the measured restore time (RTO). Recorded, success or failure.
 */
import path from 'node:path';
import { checkAnchoredHeads } from '../../../platform/audit/anchors.js';
import { verifyAllCommunes } from '../../../platform/audit/verify-all.js';
import { BackupError } from '../../../platform/db/backup/age.js';
import { listArchives } from '../../../platform/db/backup/archive.js';
import { inventoryOf, openBackup, openScratchDatabase } from '../../../platform/db/backup/embedded.js';
import { compareTables } from '../../../platform/db/backup/inventory.js';
import { assumeAppRole } from '../../../platform/db/client.js';
import { type ContinuityDeps, recorded } from './common.js';

export interface DrillOutcome {
  archive: string;
  detail: string;
  durationMs: number;
  tables: number;
  rows: number;
  communes: number;
}

export async function latestArchive(backupDir: string): Promise<string> {
  const archives = await listArchives(backupDir);
  const latest = archives.at(-1);
  if (!latest) throw new BackupError(`Aucune sauvegarde dans ${backupDir} : lancez d’abord « guichet backup ».`);
  return latest.file;
}

export async function runDrill(
  deps: ContinuityDeps,
  options: { identityFile?: string; file?: string },
  clock: () => Date = () => new Date(),
): Promise<DrillOutcome> {
  const identityFile = options.identityFile ?? deps.config.continuity.identityFile;
  return recorded(
    deps.database,
    'exercice',
    async () => {
      if (!identityFile) {
        throw new BackupError(
          'Clé privée manquante : donnez --identity <fichier> ou définissez GUICHET_BACKUP_IDENTITY pour l’exercice de restauration.',
        );
      }
      const file = options.file ?? (await latestArchive(deps.config.continuity.backupDir));
      const archive = path.basename(file);
      const opened = await openBackup(file, identityFile);
      try {
        const scratch = await openScratchDatabase(opened, deps.database.appRole);
        try {
          const inventory = await inventoryOf(scratch);
          const differences = compareTables(opened.manifest.tables, inventory.tables);
          if (differences.length > 0) {
            throw new BackupError(
              `${archive} : la base restaurée diffère du manifeste (${differences
                .map((d) => `${d.table} : ${d.actual?.rows ?? 0} lignes au lieu de ${d.expected?.rows ?? 0}`)
                .join(' ; ')}).`,
            );
          }
          await assumeAppRole(scratch);
          const chains = await verifyAllCommunes(scratch);
          const broken = chains.filter((c) => c.firstBreak);
          if (broken.length > 0) {
            throw new BackupError(
              `${archive} : le journal d’audit restauré est altéré pour ${broken.map((c) => `${c.slug} (entrée n° ${c.firstBreak!.seq})`).join(', ')}.`,
            );
          }
          const restoredHeads = new Map(inventory.auditHeads.map((h) => [h.communeId, h]));
          const mismatched = opened.manifest.auditHeads.filter((h) => {
            const r = restoredHeads.get(h.communeId);
            return !r || r.seq !== h.seq || r.hash !== h.hash;
          });
          if (mismatched.length > 0) {
            throw new BackupError(
              `${archive} : la tête du journal restauré ne correspond pas à celle ancrée dans le manifeste pour ${mismatched.map((h) => h.slug).join(', ')}.`,
            );
          }
        } finally {
          await scratch.close();
        }
        const live = await checkAnchoredHeads(deps.database, opened.manifest.auditHeads);
        if (live.length > 0) {
          throw new BackupError(
            `Journal d’audit en service : ${live
              .map((p) =>
                p.reason === 'missing'
                  ? `${p.slug} n’a plus l’entrée n° ${p.seq} ancrée par ${archive} (entrées supprimées)`
                  : `${p.slug} : l’entrée n° ${p.seq} diffère de celle ancrée par ${archive}`,
              )
              .join(' ; ')}.`,
          );
        }
        const tables = Object.keys(opened.manifest.tables).length;
        const rows = Object.values(opened.manifest.tables).reduce((sum, t) => sum + t.rows, 0);
        const communes = opened.manifest.auditHeads.length;
        return {
          archive,
          tables,
          rows,
          communes,
          detail: `${tables} tables et ${rows.toLocaleString('fr-FR')} lignes identiques au manifeste, ${communes} journal(s) d’audit intègre(s) et ancré(s)`,
        };
      } finally {
        await opened.close();
      }
    },
    clock,
  );
}
