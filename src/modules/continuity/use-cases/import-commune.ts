/**
 * `guichet import <archive> --identity <key>`: one commune's export archive (guichet export, with
 * GUICHET_BACKUP_RECIPIENTS) written into this instance — checked entirely before anything is
 * written, refused when the commune (or its slug, INSEE code, host name) is already here. The
 * commune's journal gets an entry saying so; the run is recorded in the operator's record.
 */
import path from 'node:path';
import { recordAudit } from '../../../platform/audit/journal.js';
import { importCommune } from '../../../platform/db/backup/commune-import.js';
import '../audit.js';
import { type ContinuityDeps, recorded } from './common.js';

export async function importCommuneData(deps: ContinuityDeps, file: string, identityFile: string) {
  const archive = path.basename(file);
  return recorded(deps.database, 'import', async () => {
    const outcome = await importCommune(deps.database, path.resolve(file), identityFile, async (tx, done, manifest) => {
      await recordAudit(tx, {
        actorType: 'operator',
        action: 'continuity.commune_imported',
        data: {
          archive,
          exportedAt: manifest.createdAt,
          fromVersion: manifest.guichetVersion,
          rows: Object.values(done.tables).reduce((sum, n) => sum + n, 0),
          files: done.files,
          placeholderAccounts: done.placeholderAccounts,
        },
      });
    });
    const rows = Object.values(outcome.tables).reduce((sum, n) => sum + n, 0);
    return {
      archive,
      outcome,
      detail: `import de ${outcome.manifest.commune.slug} : ${Object.keys(outcome.tables).length} tables, ${rows} lignes, ${outcome.files} fichier(s), ${outcome.placeholderAccounts} compte(s) à rattacher`,
    };
  });
}
