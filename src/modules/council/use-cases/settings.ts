/** The council's settings: the commune's SIRET, which the SCDL export names (COLL_SIRET). */
import { z } from 'zod';
import { recordAudit } from '../../../platform/audit/journal.js';
import type { Database } from '../../../platform/db/client.js';
import { withTenant } from '../../../platform/db/tenant.js';
import { notFound } from '../../../platform/errors.js';
import { canManageCouncil } from '../policy.js';
import { saveSiret } from '../repo.js';
import { isSiret } from '../scdl.js';
import { type CouncilCaller, parseOrRefuse } from './common.js';

export const settingsSchema = z.object({
  siret: z
    .string()
    .transform((v) => v.replace(/\s/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Saisissez le SIRET de la commune.')
        .regex(/^\d{14}$/, 'Le SIRET compte 14 chiffres, par exemple 218 601 946 00013.')
        .refine(
          isSiret,
          'Ce numéro n’est pas un SIRET : vérifiez les chiffres sur l’avis de situation au répertoire Sirene.',
        ),
    ),
});

export async function setCouncilSettings(
  database: Database,
  caller: CouncilCaller,
  input: { siret?: string },
): Promise<void> {
  const actor = caller.actor;
  if (!canManageCouncil(actor)) throw notFound('council.forbidden', 'not the secretariat');
  const v = parseOrRefuse(settingsSchema, { siret: '', ...input }, 'council.settings_invalid');
  const communeId = caller.commune.id;
  await withTenant(database, communeId, async (tx) => {
    await saveSiret(tx, communeId, v.siret, actor.accountId);
    await recordAudit(tx, {
      action: 'council.settings_changed',
      actorType: 'agent',
      actorId: actor.accountId,
      targetType: 'commune',
      targetId: communeId,
      data: { siret: v.siret },
      requestId: caller.httpRequestId ?? null,
    });
  });
}
