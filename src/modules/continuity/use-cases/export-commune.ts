/**
 * `guichet export --commune <slug>`: everything one commune owns in open formats (CSV and JSON per
 * table, its files, a README of the formats and relations) in a new directory. When public keys
 * are configured (GUICHET_BACKUP_RECIPIENTS), the directory is also sealed into `<dir>.tar`, an
 * age-encrypted archive with a manifest of every file's SHA-256 — what `guichet import` reads on
 * the commune's next instance. Recorded.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { BackupError } from '../../../platform/db/backup/age.js';
import { exportCommune, sealCommuneExport } from '../../../platform/db/backup/commune-export.js';
import { guichetVersion } from '../../../platform/db/backup/embedded.js';
import { withInstance } from '../../../platform/db/tenant.js';
import { findCommuneBySlug } from '../../../platform/tenancy/communes.js';
import { type ContinuityDeps, recorded } from './common.js';

export async function exportCommuneData(deps: ContinuityDeps, slug: string, targetDir?: string, at = new Date()) {
  const commune = await withInstance(deps.database, (tx) => findCommuneBySlug(tx, slug));
  if (!commune) throw new BackupError(`Commune inconnue : ${slug}`);
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  const dir = path.resolve(targetDir ?? path.join(deps.config.dataDir, 'exports', `${slug}-${stamp}`));
  const existing = await fs.readdir(dir).catch(() => []);
  if (existing.length > 0) throw new BackupError(`${dir} n’est pas vide : l’export s’écrit dans un dossier neuf.`);
  return recorded(deps.database, 'export', async () => {
    const version = await guichetVersion();
    const outcome = await exportCommune(deps.database, commune, dir, {
      blobDir: deps.config.blobs.store === 'fs' ? deps.config.blobs.dir : undefined,
      guichetVersion: version,
      at,
    });
    let archive: string | null = null;
    if (deps.config.continuity.recipients.length > 0) {
      archive = `${dir}.tar`;
      await sealCommuneExport(
        dir,
        archive,
        {
          createdAt: at.toISOString(),
          guichetVersion: version,
          commune: { id: commune.id, slug: commune.slug, name: commune.name },
          migrations: outcome.migrations,
          tables: outcome.tables,
        },
        deps.config.continuity.recipients,
      );
    }
    const rows = Object.values(outcome.tables).reduce((sum, n) => sum + n, 0);
    return {
      archive: archive && path.basename(archive),
      archiveFile: archive,
      dir,
      outcome,
      detail: `export de ${slug} : ${Object.keys(outcome.tables).length} tables, ${rows} lignes, ${outcome.files} fichier(s)${archive ? ', archive chiffrée' : ''}`,
    };
  });
}
