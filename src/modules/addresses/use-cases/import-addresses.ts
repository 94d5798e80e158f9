/**
 * Importing a commune's addresses from a Base Adresse Nationale CSV: parse → check that the file
 * is this commune's → replace the commune's addresses in one transaction → audit. Used by the
 * admin page and by `guichet adresses importer`.
 */
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { AppError } from '../../../platform/errors.js';
import type { Commune } from '../../../platform/tenancy/communes.js';
import { parseBanCsv } from '../ban-csv.js';
import { replaceAddresses } from '../repo.js';

export interface ImportOutcome {
  imported: number;
  rejected: Array<{ line: number; reason: string }>;
}

/** The most rejected lines tolerated, as a share of the file (more: the file is not this format). */
const MAX_REJECTED_SHARE = 0.1;

export async function importAddresses(
  database: Database,
  commune: Commune,
  csv: string,
  actor: { type: 'agent' | 'operator' | 'system'; accountId: string | null; requestId?: string | null },
): Promise<ImportOutcome> {
  const parsed = parseBanCsv(csv);
  const refuse = (message: string) => {
    throw new AppError('addresses.invalid_file', 'address file refused', 422, { fields: { fichier: message } });
  };
  if (parsed.fileError) refuse(parsed.fileError);
  if (parsed.addresses.length === 0) refuse('Ce fichier ne contient aucune adresse utilisable.');
  const total = parsed.addresses.length + parsed.rejected.length;
  if (parsed.rejected.length > total * MAX_REJECTED_SHARE) {
    const first = parsed.rejected[0]!;
    refuse(
      `${parsed.rejected.length} lignes sur ${total} sont inutilisables (par exemple la ligne ${first.line} : ${first.reason}). Vérifiez qu’il s’agit bien du fichier « adresses » de la commune.`,
    );
  }
  if (commune.inseeCode) {
    const other = parsed.addresses.find((a) => a.inseeCode && a.inseeCode !== commune.inseeCode);
    if (other) {
      refuse(
        `Ce fichier contient des adresses de ${other.city} (code INSEE ${other.inseeCode}) : importez celui de ${commune.name} (code INSEE ${commune.inseeCode}).`,
      );
    }
  }
  await withTenant(database, commune.id, async (tx) => {
    await replaceAddresses(tx, commune.id, parsed.addresses);
    await recordAudit(tx, {
      action: 'addresses.imported',
      actorType: actor.type,
      actorId: actor.accountId,
      data: { imported: parsed.addresses.length, rejected: parsed.rejected.length },
      requestId: actor.requestId ?? null,
    });
  });
  return { imported: parsed.addresses.length, rejected: parsed.rejected };
}
